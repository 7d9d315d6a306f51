import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.assessments import services
from earlyhelp.assessments.models import Assessment, AssessmentEntry, PresentingNeed
from earlyhelp.cases.services import episode_close
from earlyhelp.core.dates import today
from earlyhelp.core.errors import IllegalMove, StaleEdit
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import completed_assessment, open_episode
from earlyhelp.testing.world import days_ago


def start(world, episode, on=None):
    return services.assessment_start(
        episode=episode, started_on=on or days_ago(50), completing_organisation=world.school,
        acting_user=world.worker,
    )


def state(assessment):
    assessment.refresh_from_db()
    return (assessment.status, assessment.completed_on, assessment.version,
            assessment.voice_of_child, AssessmentEntry.objects.count(),
            PresentingNeed.objects.count())


def test_a_part_done_assessment_can_be_saved_and_then_completed(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    services.assessment_update(
        assessment=assessment, acting_user=world.worker,
        entries=[(world.child, "development", "Struggles to settle", "Loves football"),
                 (world.parent, "parenting", "Low mood", "Warm and committed")],
    )
    assert assessment.entries.count() == 2
    services.presenting_need_add(assessment=assessment, theme=world.themes[1], cin_factor="4B",
                                 person=world.parent, baseline_score=4, acting_user=world.worker)
    services.assessment_update(assessment=assessment, acting_user=world.worker,
                               voice_of_child="I like school when mum is ok.")
    services.assessment_complete(assessment=assessment, completed_on=days_ago(30),
                                 acting_user=world.worker)
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.completed_on == days_ago(30)


def test_completion_date_before_the_start_is_refused(world):
    episode = open_episode(world)
    assessment = start(world, episode, on=days_ago(20))
    services.presenting_need_add(assessment=assessment, theme=world.themes[0], baseline_score=3,
                                 acting_user=world.worker)
    services.assessment_update(assessment=assessment, acting_user=world.worker,
                               voice_of_child="Fine")
    before = state(assessment)
    with pytest.raises(ValidationError, match="on or after the date the assessment started"):
        services.assessment_complete(assessment=assessment, completed_on=days_ago(21),
                                     acting_user=world.worker)
    assert state(assessment) == before


def test_completion_in_the_future_is_refused(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    before = state(assessment)
    with pytest.raises(ValidationError, match="completed_on.*today or in the past"):
        services.assessment_complete(assessment=assessment,
                                     completed_on=today() + dt.timedelta(days=1),
                                     acting_user=world.worker)
    assert state(assessment) == before


def test_completion_needs_a_need_and_the_voice_of_the_child(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    before = state(assessment)
    with pytest.raises(IllegalMove, match="presenting need and record the voice"):
        services.assessment_complete(assessment=assessment, completed_on=today(),
                                     acting_user=world.worker)
    assert state(assessment) == before


def test_a_completed_assessment_cannot_be_changed_or_completed_again(world):
    episode = open_episode(world)
    assessment, _ = completed_assessment(world, episode)
    before = state(assessment)
    with pytest.raises(IllegalMove, match="can no longer be changed"):
        services.assessment_update(assessment=assessment, acting_user=world.worker,
                                   voice_of_child="changed")
    with pytest.raises(IllegalMove, match="can no longer be changed"):
        services.presenting_need_add(assessment=assessment, theme=world.themes[1],
                                     baseline_score=5, acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already completed"):
        services.assessment_complete(assessment=assessment, completed_on=today(),
                                     acting_user=world.worker)
    assert state(assessment) == before


def test_only_one_assessment_in_progress(world):
    episode = open_episode(world)
    start(world, episode)
    with pytest.raises(IllegalMove, match="already has an assessment in progress"):
        start(world, episode)
    assert Assessment.objects.count() == 1


def test_no_assessment_on_a_closed_episode_or_before_it_started(world):
    episode = open_episode(world)
    with pytest.raises(ValidationError, match="on or after the date the episode started"):
        start(world, episode, on=episode.start_date - dt.timedelta(days=1))
    episode_close(episode=episode, outcome="other", end_date=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="open episode"):
        start(world, episode)
    assert Assessment.objects.count() == 0


def test_entries_only_for_household_members(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    stranger = family_with_members().memberships.first().person
    before = state(assessment)
    with pytest.raises(IllegalMove, match="not a member"):
        services.assessment_update(assessment=assessment, acting_user=world.worker,
                                   entries=[(stranger, "development", "x", "y")])
    assert state(assessment) == before


def test_a_stale_assessment_edit_is_refused(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    services.assessment_update(assessment=assessment, acting_user=world.worker, summary="A")
    before = state(assessment)
    with pytest.raises(StaleEdit):
        services.assessment_update(assessment=assessment, acting_user=world.worker,
                                   expected_version=1, summary="B")
    assert state(assessment) == before


def test_need_factor_must_fit_the_theme(world):
    episode = open_episode(world)
    assessment = start(world, episode)
    with pytest.raises(ValidationError, match="not one of the codes"):
        services.presenting_need_add(assessment=assessment, theme=world.themes[0],
                                     cin_factor="4B", baseline_score=3, acting_user=world.worker)
    with pytest.raises(ValidationError):
        services.presenting_need_add(assessment=assessment, theme=world.themes[0],
                                     baseline_score=11, acting_user=world.worker)
    assert PresentingNeed.objects.count() == 0
