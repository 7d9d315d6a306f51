"""The family's own rating at reviews and at closure, and the closing scores (issue 16, 14)."""

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.cases.services import episode_close_settling
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.plans import services
from earlyhelp.plans.models import ClosingScore, FamilyRating, FamilyView, Review
from earlyhelp.testing.journey import completed_assessment, open_episode, review
from earlyhelp.testing.world import days_ago


def _review(world, episode, need, family):
    return services.review_record(
        episode=episode, held_on=days_ago(20), attendees="Mum\nKey worker", scores={need: 5},
        acting_user=world.worker, family=family,
    )


def test_a_review_records_the_family_rating_beside_the_practitioners(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    r = _review(world, episode, need, {"rater": "parent_carer", "words": "Less shouting",
                                       "scores": {need: 6}})
    view = FamilyView.objects.get(review=r)
    assert (view.rater, view.words, view.declined, view.satisfaction) == (
        "parent_carer", "Less shouting", False, None)
    assert [(x.need_id, x.score) for x in view.ratings.all()] == [(need.pk, 6)]


def test_a_family_may_decline_and_nothing_but_that_is_kept(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    r = _review(world, episode, need, {"declined": True, "rater": "child_8_plus",
                                       "words": "x", "scores": {need: 2}})
    view = FamilyView.objects.get(review=r)
    assert view.declined and view.rater == "" and view.words == ""
    assert not view.ratings.exists()


@pytest.mark.parametrize("family, field", [
    ({"scores": {}}, "family_rater"),
    ({"rater": "aunt"}, "family_rater"),
    ({"rater": "young_person", "satisfaction": 4}, "satisfaction"),
])
def test_a_bad_family_view_at_a_review_writes_nothing(world, family, field):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    with pytest.raises(ValidationError) as refused:
        _review(world, episode, need, family)
    assert field in refused.value.message_dict
    assert not Review.objects.exists() and not FamilyView.objects.exists()


def test_a_family_score_out_of_range_is_refused(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    with pytest.raises(ValidationError) as refused:
        _review(world, episode, need, {"rater": "young_person", "scores": {need: 11}})
    assert refused.value.message_dict == {f"family_{need.pk}": ["Rate each need from 1 to 10"]}
    assert not Review.objects.exists()


def _close(world, episode, closing):
    return episode_close_settling(
        episode=episode, outcome="needs_met", end_date=dates.today(), summary="Done.",
        acting_user=world.worker, closing=closing,
    )


def test_closing_records_distance_travelled_and_the_familys_closing_view(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)  # baseline 3
    review(world, episode, need, held_days_ago=30, score=4)
    review(world, episode, need, held_days_ago=10, score=6)  # the last score
    _close(world, episode, {"scores": {str(need.pk): 8}, "family": {
        "rater": "parent_carer", "words": "We talk now", "scores": {str(need.pk): 7},
        "satisfaction": 5}})
    closing = ClosingScore.objects.get(episode=episode)
    assert (closing.baseline, closing.last_score, closing.score) == (3, 6, 8)
    view = FamilyView.objects.get(episode=episode, review__isnull=True)
    assert (view.satisfaction, view.words) == (5, "We talk now")
    assert FamilyRating.objects.get(view=view).score == 7
    episode.refresh_from_db()
    assert episode.status == "closed"


@pytest.mark.parametrize("closing, field", [
    ({"scores": {}}, "closing_{need}"),  # every assessed need gets a closing score
    ({"scores": {"{need}": 0}}, "closing_{need}"),
    ({"scores": {"{need}": 5}, "family": {"rater": "parent_carer", "satisfaction": 6}},
     "satisfaction"),
    ({"scores": {"{need}": 5}, "family": {"rater": "parent_carer",
                                          "scores": {"00000000-0000-0000-0000-000000000000": 5}}},
     "family_00000000-0000-0000-0000-000000000000"),
])
def test_a_bad_closing_is_refused_and_the_episode_stays_open(world, closing, field):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    fill = lambda v: {k.format(need=need.pk): fill(x) for k, x in v.items()} if isinstance(  # noqa: E731
        v, dict) else v
    with pytest.raises(ValidationError) as refused:
        _close(world, episode, fill(closing))
    assert field.format(need=need.pk) in refused.value.message_dict
    episode.refresh_from_db()
    assert episode.status == "open"
    assert not ClosingScore.objects.exists() and not FamilyView.objects.exists()


def test_closing_scores_cannot_be_recorded_on_a_closed_episode(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    _close(world, episode, {"scores": {str(need.pk): 8}})
    with pytest.raises(IllegalMove):
        services.closing_view_record(episode=episode, closing={"scores": {str(need.pk): 9}},
                                     acting_user=world.worker)
    assert ClosingScore.objects.get().score == 8
