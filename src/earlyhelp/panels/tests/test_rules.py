"""The stuck-case rules, each on its own."""

import datetime as dt

import pytest

from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.testing.journey import completed_assessment, review

from ..rules import (
    NoLeadPractitioner,
    NoProgressAcrossTwoReviews,
    ReferralDeclined,
    ReviewsOverdue,
    no_progress_between,
    stuck_episodes,
)
from ..services.cases import panel_case_bring

A, B = "need-a", "need-b"


@pytest.mark.parametrize(
    "reviews, baselines, stuck",
    [
        ([], {A: 3}, False),  # no reviews yet
        ([{A: 3}], {A: 3}, False),  # only one review
        ([{A: 3}, {A: 3}], {A: 3}, True),  # flat twice
        ([{A: 2}, {A: 2}], {A: 3}, True),  # worse, then flat
        ([{A: 4}, {A: 4}], {A: 3}, False),  # rose at the first review
        ([{A: 3}, {A: 5}], {A: 3}, False),  # rose at the last review
        ([{A: 5}, {A: 5}, {A: 5}], {A: 3}, True),  # rose long ago, flat since
        ([{A: 3, B: 2}, {A: 3, B: 3}], {A: 3, B: 2}, False),  # one need rose is enough
        ([{}, {}], {A: 3}, True),  # reviews that scored nothing
        ([{A: 4}, {B: 5}], {A: 3}, False),  # new need, no earlier score
        ([{A: 3}, {B: 5}], {A: 3}, True),  # ...and nothing else rose
    ],
)
def test_no_progress_between(reviews, baselines, stuck):
    assert no_progress_between(reviews, baselines) is stuck


@pytest.fixture
def led(world, episode):
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    episode.refresh_from_db()
    return episode


def test_no_progress_across_two_reviews_on_real_reviews(world, led):
    _, need = completed_assessment(world, led)  # baseline 3
    review(world, led, need, held_days_ago=30, score=3)
    assert NoProgressAcrossTwoReviews().episode_ids(dates.today()) == set()  # one review only
    review(world, led, need, held_days_ago=10, score=3)
    assert NoProgressAcrossTwoReviews().episode_ids(dates.today()) == {led.pk}


def test_progress_at_either_review_is_not_stuck(world, led):
    _, need = completed_assessment(world, led)
    review(world, led, need, held_days_ago=30, score=3)
    review(world, led, need, held_days_ago=10, score=4)
    assert NoProgressAcrossTwoReviews().episode_ids(dates.today()) == set()


def test_reviews_overdue(world, led):
    _, need = completed_assessment(world, led)
    review(world, led, need, held_days_ago=20, score=4)  # next due in 36 days
    assert ReviewsOverdue().episode_ids(dates.today()) == set()
    # The latest review counts: an older one's passed date does not.
    review(world, led, need, held_days_ago=30, score=4)
    assert ReviewsOverdue().episode_ids(dates.today()) == set()
    assert ReviewsOverdue().episode_ids(dates.today() + dt.timedelta(days=40)) == {led.pk}


def test_no_lead_practitioner_after_n_days(world, episode, settings):
    assert episode.lead_practitioner is None
    age = (dates.today() - episode.start_date).days
    assert NoLeadPractitioner().episode_ids(dates.today()) == {episode.pk}
    assert NoLeadPractitioner(days=age).episode_ids(dates.today()) == set()
    settings.EARLYHELP_PANELS_NO_LEAD_DAYS = age + 1
    assert NoLeadPractitioner().episode_ids(dates.today()) == set()
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    assert NoLeadPractitioner(days=0).episode_ids(dates.today()) == set()


def test_referral_declined_until_brought_to_a_panel(world, led, panel):
    from earlyhelp.core.tests.factories import PartnerFactory

    service = ServiceFactory(themes=world.themes)
    provider = PartnerFactory(username="prov", organisation=service.organisation)
    referral = directory.referral_send(
        episode=led, service=service, reason="Help", person=world.child, acting_user=world.worker
    )
    assert ReferralDeclined().episode_ids(dates.today()) == set()
    directory.referral_decline(referral=referral, acting_user=provider, reason="no_capacity")
    assert ReferralDeclined().episode_ids(dates.today()) == {led.pk}
    panel_case_bring(panel=panel, episode=led, detail="Declined", acting_user=world.worker)
    assert ReferralDeclined().episode_ids(dates.today()) == set()
    again = directory.referral_send(
        episode=led,
        service=service,
        reason="Help again",
        person=world.child,
        acting_user=world.worker,
    )
    directory.referral_decline(referral=again, acting_user=provider, reason="no_capacity")
    assert ReferralDeclined().episode_ids(dates.today()) == {led.pk}


def test_closed_episodes_are_never_stuck(world, episode):
    from earlyhelp.cases.services import episode_close

    episode_close(
        episode=episode, outcome="disengaged", end_date=dates.today(), acting_user=world.worker
    )
    assert stuck_episodes(dates.today()) == {}


def test_stuck_episodes_names_every_reason(world, episode):
    _, need = completed_assessment(world, episode)
    review(world, episode, need, held_days_ago=40, score=3)
    review(world, episode, need, held_days_ago=20, score=2)
    found = stuck_episodes(dates.today() + dt.timedelta(days=60))
    assert sorted(found[episode.pk]) == ["no_lead", "no_progress", "review_overdue"]
