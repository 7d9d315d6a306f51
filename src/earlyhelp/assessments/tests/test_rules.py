"""The assessment rules on their own: each refuses what it names and lets the rest through."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.assessments import rules, services
from earlyhelp.assessments.journey import ASSESSMENT
from earlyhelp.cases import rules as case_rules
from earlyhelp.cases.journey import EPISODE
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.people.tests.factories import MembershipFactory, PersonFactory, family_with_members
from earlyhelp.testing.journey import completed_assessment, open_episode
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


def start(world, episode, on):
    return services.assessment_start(
        episode=episode, started_on=on, completing_organisation=world.school,
        acting_user=world.worker,
    )


def test_completion_may_be_on_the_start_day_or_today(world):
    assessment = start(world, open_episode(world), days_ago(10))
    rules.completion_date_is_valid(assessment, days_ago(10))
    rules.completion_date_is_valid(assessment, dates.today())


def test_completion_before_the_start_or_in_the_future_is_refused(world):
    assessment = start(world, open_episode(world), days_ago(10))
    with pytest.raises(ValidationError) as before:
        rules.completion_date_is_valid(assessment, days_ago(11))
    assert "on or after the date the assessment started" in before.value.message_dict[
        "completed_on"][0]
    with pytest.raises(ValidationError) as future:
        rules.completion_date_is_valid(assessment, dates.today() + dt.timedelta(days=1))
    assert future.value.message_dict["completed_on"] == [
        "The completion date must be today or in the past"]


def test_an_assessment_without_needs_or_the_childs_voice_is_not_whole(world):
    episode = open_episode(world)
    assessment = start(world, episode, days_ago(10))
    with pytest.raises(IllegalMove) as both:
        rules.assessment_is_whole(assessment)
    assert both.value.code == "assessment_incomplete"
    assert "add at least one presenting need and record the voice of the child" in str(both.value)

    services.presenting_need_add(assessment=assessment, theme=world.themes[0], baseline_score=3,
                                 acting_user=world.worker)
    with pytest.raises(IllegalMove) as voice_only:
        rules.assessment_is_whole(assessment)
    assert "presenting need" not in str(voice_only.value)
    assert "record the voice of the child" in str(voice_only.value)

    assessment.voice_of_child = "   "
    with pytest.raises(IllegalMove):
        rules.assessment_is_whole(assessment)
    # The rule is the guard of the machine's complete move: the service is refused by the table.
    assert not ASSESSMENT.allows("complete", assessment)
    with pytest.raises(IllegalMove) as refused:
        services.assessment_complete(assessment=assessment, completed_on=days_ago(1),
                                     acting_user=world.worker)
    assert refused.value.code == "assessment_incomplete"
    assessment.voice_of_child = "I like it when it's calm."
    rules.assessment_is_whole(assessment)


def test_one_assessment_in_progress_at_a_time(world):
    """A guard of the episode's start_assessment move (cases.rules): the table refuses too."""
    episode = open_episode(world)
    case_rules.no_assessment_in_progress(episode)
    completed_assessment(world, episode)
    case_rules.no_assessment_in_progress(episode)  # a completed one does not count
    assert EPISODE.allows("start_assessment", episode)
    start(world, episode, days_ago(5))
    with pytest.raises(IllegalMove) as refused:
        case_rules.no_assessment_in_progress(episode)
    assert refused.value.code == "assessment_in_progress"
    assert not EPISODE.allows("start_assessment", episode)
    with pytest.raises(IllegalMove) as refused:
        start(world, episode, days_ago(4))
    assert refused.value.code == "assessment_in_progress"


def test_needs_are_recorded_for_members_of_the_family_only(world):
    assessment = start(world, open_episode(world), days_ago(10))
    rules.person_in_household(assessment, world.child)
    rules.person_in_household(assessment, world.parent)
    stranger = family_with_members().memberships.first().person
    with pytest.raises(IllegalMove) as refused:
        rules.person_in_household(assessment, stranger)
    assert refused.value.code == "not_a_member"
    assert stranger.full_name in str(refused.value)


def test_household_children_on_a_day_are_the_current_children_oldest_first():
    family = family_with_members(children=0, adults=1)
    on = dt.date(2025, 6, 1)
    older = PersonFactory(date_of_birth=dt.date(2015, 1, 1))
    younger = PersonFactory(date_of_birth=dt.date(2019, 1, 1))
    left = PersonFactory(date_of_birth=dt.date(2016, 1, 1))
    not_yet = PersonFactory(date_of_birth=dt.date(2017, 1, 1))
    MembershipFactory(family=family, person=younger, start_date=dt.date(2019, 1, 1))
    MembershipFactory(family=family, person=older, start_date=dt.date(2015, 1, 1),
                      end_date=on)  # leaving on the day: still there that day
    MembershipFactory(family=family, person=left, start_date=dt.date(2016, 1, 1),
                      end_date=on - dt.timedelta(days=1))
    MembershipFactory(family=family, person=not_yet, start_date=on + dt.timedelta(days=1))
    assert rules.household_children(family, on) == [older, younger]


def test_an_assessment_covers_children_of_the_household_and_at_least_one():
    family = family_with_members(children=2, adults=1)
    on = dates.today()
    children = rules.household_children(family, on)
    assert len(children) == 2
    rules.children_are_in_household(family, children[:1], on)

    with pytest.raises(ValidationError) as none_chosen:
        rules.children_are_in_household(family, [], on)
    assert none_chosen.value.message_dict["children"] == [
        "Choose at least one child the assessment covers"]

    stranger = family_with_members().memberships.get(role="child").person
    with pytest.raises(ValidationError) as strangers:
        rules.children_are_in_household(family, [children[0], stranger], on)
    assert strangers.value.message_dict["children"][0].startswith(stranger.full_name)

    no_children = family_with_members(children=0, adults=1)
    rules.children_are_in_household(no_children, [], on)
