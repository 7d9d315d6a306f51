"""The episode rules on their own: each refuses what it names and lets the rest through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.cases import rules
from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.cases.services import episode_step_up
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import completed_assessment, open_episode
from earlyhelp.testing.world import days_ago


def test_a_family_has_one_open_episode_at_a_time(world):
    rules.no_other_open_episode(world.family)
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as refused:
        rules.no_other_open_episode(world.family)
    assert refused.value.code == "episode_already_open"
    assert episode.reference in str(refused.value)
    rules.no_other_open_episode(world.family, except_episode=episode)
    rules.no_other_open_episode(family_with_members())


def test_needs_met_only_after_a_completed_assessment(world):
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as refused:
        rules.needs_met_requires_completed_assessment(episode, ClosureOutcome.NEEDS_MET)
    assert refused.value.code == "needs_met_without_assessment"
    for other in (ClosureOutcome.DISENGAGED, ClosureOutcome.MOVED_AWAY, ClosureOutcome.OTHER):
        rules.needs_met_requires_completed_assessment(episode, other)
    completed_assessment(world, episode)
    rules.needs_met_requires_completed_assessment(episode, ClosureOutcome.NEEDS_MET)


def test_dates_fall_between_the_episode_start_and_today(world):
    episode = open_episode(world)
    rules.date_within_episode(episode, episode.start_date, "closure", field="end_date")
    rules.date_within_episode(episode, dates.today(), "closure", field="end_date")
    with pytest.raises(ValidationError) as before:
        rules.date_within_episode(
            episode, episode.start_date - dt.timedelta(days=1), "closure", field="end_date"
        )
    assert "on or after the date the episode started" in before.value.message_dict["end_date"][0]
    with pytest.raises(ValidationError) as future:
        rules.date_within_episode(
            episode, dates.today() + dt.timedelta(days=1), "step-up", field="on"
        )
    assert future.value.message_dict["on"] == ["The step-up date must be today or in the past"]


def test_stepping_up_is_its_own_move_not_a_closure_outcome():
    with pytest.raises(IllegalMove) as refused:
        rules.step_up_has_its_own_move(ClosureOutcome.STEPPED_UP)
    assert refused.value.code == "use_step_up"
    for outcome in ClosureOutcome.values:
        if outcome != ClosureOutcome.STEPPED_UP:
            rules.step_up_has_its_own_move(outcome)


def test_a_step_down_follows_a_closed_episode_into_a_family_with_none_open(world):
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as still_open:
        rules.step_down_needs_no_open_episode(world.family, episode)
    assert still_open.value.code == "step_down_open_episode"
    episode_step_up(episode=episode, on=days_ago(5), reason="Risk has risen",
                    acting_user=world.worker)
    episode.refresh_from_db()
    rules.step_down_needs_no_open_episode(world.family, episode)
    rules.step_down_needs_no_open_episode(world.family, None)
    other = family_with_members()
    open_episode(world, family=other)
    with pytest.raises(IllegalMove) as other_open:
        rules.step_down_needs_no_open_episode(other, None)
    assert other_open.value.code == "episode_already_open"


def test_focus_children_are_members_of_the_family(world):
    rules.focus_children_belong_to_family(world.family, [world.child])
    rules.focus_children_belong_to_family(world.family, [])
    stranger = family_with_members().memberships.get(role="child").person
    with pytest.raises(IllegalMove) as refused:
        rules.focus_children_belong_to_family(world.family, [world.child, stranger])
    assert refused.value.code == "not_a_member"
    assert str(refused.value).startswith(stranger.full_name)
