"""The plan and review rules on their own: each refuses what it names and lets the rest through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.cases import rules as case_rules
from earlyhelp.cases.journey import EPISODE
from earlyhelp.plans import rules, services
from earlyhelp.testing.journey import completed_assessment, open_episode
from earlyhelp.testing.world import days_ago


def test_a_plan_follows_a_completed_assessment_and_starts_on_or_after_its_day(world):
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as refused:
        rules.plan_follows_assessment(episode, days_ago(1))
    assert refused.value.code == "plan_before_assessment"
    completed_assessment(world, episode, completed_days_ago=40)
    rules.plan_follows_assessment(episode, days_ago(40))
    rules.plan_follows_assessment(episode, dates.today())
    with pytest.raises(ValidationError) as early:
        rules.plan_follows_assessment(episode, days_ago(41))
    assert "on or after the date the assessment was completed" in early.value.message_dict[
        "started_on"][0]
    with pytest.raises(ValidationError) as future:
        rules.plan_follows_assessment(episode, dates.today() + dt.timedelta(days=1))
    assert future.value.message_dict["started_on"] == [
        "The plan start date must be today or in the past"]


def test_one_active_plan_per_episode(world):
    """A guard of the episode's start_plan move (cases.rules): the table refuses too."""
    episode = open_episode(world)
    completed_assessment(world, episode)
    case_rules.no_active_plan(episode)
    assert EPISODE.allows("start_plan", episode)
    services.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    with pytest.raises(IllegalMove) as refused:
        case_rules.no_active_plan(episode)
    assert refused.value.code == "plan_exists"
    assert not EPISODE.allows("start_plan", episode)
    with pytest.raises(IllegalMove) as refused:
        services.plan_start(episode=episode, started_on=days_ago(20), acting_user=world.worker)
    assert refused.value.code == "plan_exists"
    other = open_episode(world, family=family_with_members())
    case_rules.no_active_plan(other)  # another episode's plan does not count


def test_scores_are_only_for_this_episodes_needs(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    rules.scores_are_for_this_episode(episode, [need])
    rules.scores_are_for_this_episode(episode, [])
    other = open_episode(world, family=family_with_members())
    _, other_need = completed_assessment(world, other)
    with pytest.raises(IllegalMove, match="this episode's assessed needs"):
        rules.scores_are_for_this_episode(episode, [need, other_need])


def test_the_next_review_is_due_after_this_one():
    held = dt.date(2025, 3, 1)
    rules.next_review_after_meeting(held, None)
    rules.next_review_after_meeting(held, held + dt.timedelta(days=1))
    for due in (held, held - dt.timedelta(days=1)):
        with pytest.raises(IllegalMove) as refused:
            rules.next_review_after_meeting(held, due)
        assert refused.value.code == "next_review_date"
