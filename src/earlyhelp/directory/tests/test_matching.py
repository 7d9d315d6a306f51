"""Suggested services: which are candidates, and the ranking (needs, waiting, evidence)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyhelp.core.tests.factories import LocalityFactory
from earlyhelp.thresholds.tests.factories import NeedThemeFactory

from .. import services
from ..matching import FamilyProfile, Member, profile_for_episode, suggest_services
from .factories import ServiceFactory


@pytest.fixture
def themes(db):
    return [NeedThemeFactory(code=c, name=c.upper(), cin_factor_codes=[]) for c in "abc"]


def profile(themes, *, ages=(7, 35), band="early_help", locality=None):
    return FamilyProfile(
        theme_ids=[t.pk for t in themes],
        themes=list(themes),
        band=band,
        members=[Member(i, f"Member {i}", age, "child") for i, age in enumerate(ages)],
        locality_id=locality.pk if locality else None,
    )


def names(suggestions):
    return [s.service.name for s in suggestions]


def test_more_needs_covered_ranks_first_whatever_the_wait(themes):
    a, b, c = themes
    ServiceFactory(name="One need, no wait", themes=[a], waiting_days=0, evidence_rating=4)
    ServiceFactory(name="Two needs, long wait", themes=[a, b], waiting_days=90)
    ServiceFactory(name="Three needs, longest wait", themes=[a, b, c], waiting_days=120)
    result = suggest_services(profile(themes))
    assert names(result) == [
        "Three needs, longest wait",
        "Two needs, long wait",
        "One need, no wait",
    ]
    assert [len(s.needs_covered) for s in result] == [3, 2, 1]
    assert result[1].explanation.startswith("Covers 2 of 3 needs: a, b; waiting about 90 days")


def test_equal_needs_shorter_wait_first_then_stronger_evidence_then_name(themes):
    a = themes[0]
    ServiceFactory(name="Slow", themes=[a], waiting_days=30, evidence_rating=4)
    ServiceFactory(name="Fast, unrated", themes=[a], waiting_days=5)
    ServiceFactory(name="Fast, level 3", themes=[a], waiting_days=5, evidence_rating=3)
    ServiceFactory(name="B unknown wait", themes=[a])
    ServiceFactory(name="A unknown wait", themes=[a])
    assert names(suggest_services(profile([a]))) == [
        "Fast, level 3",
        "Fast, unrated",
        "Slow",
        "A unknown wait",
        "B unknown wait",
    ]


def test_candidates_must_fit_need_level_age_area_and_take_referrals(themes):
    a, b, _ = themes
    north, south = LocalityFactory(name="North"), LocalityFactory(name="South")
    ServiceFactory(name="Fits", themes=[a], bands=["early_help", "targeted"])
    ServiceFactory(name="Any level", themes=[a])
    ServiceFactory(name="Wrong need", themes=[b])
    ServiceFactory(name="Wrong level", themes=[a], bands=["targeted"])
    ServiceFactory(name="Too old", themes=[a], minimum_age=11, maximum_age=19)
    ServiceFactory(name="Adults", themes=[a], minimum_age=18)
    ServiceFactory(name="South only", themes=[a], borough_wide=False, localities=[south])
    ServiceFactory(name="North only", themes=[a], borough_wide=False, localities=[north])
    ServiceFactory(name="Closed", themes=[a], status="temporarily closed")
    ServiceFactory(name="Signposting only", themes=[a], accepts_referrals=False)
    result = suggest_services(profile([a], locality=north))
    assert sorted(names(result)) == ["Adults", "Any level", "Fits", "North only"]
    adults = next(s for s in result if s.service.name == "Adults")
    assert [m.age for m in adults.suitable_for] == [35]


def test_no_needs_no_suggestions(themes):
    ServiceFactory(themes=themes)
    assert suggest_services(profile([])) == []


def test_suggestions_for_a_real_episode(world, episode, service):
    ServiceFactory(name="Mental health only", themes=[world.themes[1]], waiting_days=1)
    profile_ = profile_for_episode(episode)
    assert set(profile_.theme_ids) == {t.pk for t in world.themes}
    assert profile_.band == "early_help"  # the triage level (2) of the journey world
    assert len(profile_.members) == 3
    result = suggest_services(profile_)
    assert names(result) == ["Family support", "Mental health only"]
    services.referral_send(
        episode=episode,
        service=service,
        reason="Help",
        acting_user=world.worker,
        person=world.child,
    )
    assert [s.already_referred for s in suggest_services(profile_)] == [True, False]


def test_matching_takes_a_fixed_number_of_queries(themes):
    for i in range(30):
        ServiceFactory(name=f"S{i:02}", themes=themes[: 1 + i % 3], waiting_days=i)
    with CaptureQueriesContext(connection) as queries:
        result = suggest_services(profile(themes), limit=None)
    assert len(result) == 30
    assert len(queries) == 2  # services, their matched themes (no episode: no referral lookup)


def test_a_real_episode_ranks_by_the_latest_score_and_whose_need_it_is(world, episode):
    """The assessment scored both needs 3. A review then scores the second need 1 (worse): its
    services move ahead. A need recorded for the child alone is not addressed by an adults'
    service, and a service unsafe for one of the family's needs is never suggested."""
    from earlyhelp.assessments.models import PresentingNeed
    from earlyhelp.plans import services as plans
    from earlyhelp.testing.world import days_ago

    first, second = world.themes
    ServiceFactory(name="First need", themes=[first], waiting_days=1)
    ServiceFactory(name="Second need", themes=[second], waiting_days=30)
    ServiceFactory(name="Second need, adults only", themes=[second], minimum_age=18)
    ServiceFactory(name="Unsafe here", themes=[second], unsafe_with=[first])
    assert names(suggest_services(profile_for_episode(episode))) == [
        "First need",
        "Second need",
        "Second need, adults only",
    ]
    needs = {n.theme_id: n for n in PresentingNeed.objects.filter(assessment__episode=episode)}
    plans.review_record(
        episode=episode,
        held_on=days_ago(5),
        attendees="Family, lead practitioner",
        acting_user=world.worker,
        scores={needs[first.pk]: 4, needs[second.pk]: 1},
    )
    profile_ = profile_for_episode(episode)
    assert profile_.scores == {first.pk: 4, second.pk: 1}
    result = suggest_services(profile_)
    assert names(result) == ["Second need", "Second need, adults only", "First need"]
    assert result[0].explanation.startswith("Covers 1 of 2 needs: ") and "(scored 1)" in (
        result[0].explanation
    )
    # the second need recorded for the child only: the adults' service no longer addresses it
    PresentingNeed.objects.filter(pk=needs[second.pk].pk).update(person=world.child)
    assert names(suggest_services(profile_for_episode(episode))) == ["Second need", "First need"]
