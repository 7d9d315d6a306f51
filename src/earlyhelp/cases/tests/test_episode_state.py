"""Each episode's journey state on the episode (cases.state): every service that changes the
reviews, plans or assessments keeps it right in its transaction, a refused move leaves it
alone, a change of timescales moves it, and the check finds (and fixes) what drifted."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from earlyhelp.assessments import services as assessments
from earlyhelp.cases import services as cases
from earlyhelp.cases import state
from earlyhelp.cases.models import AssessmentState, Episode, Timescales
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


def stored(episode):
    return Episode.objects.values_list(*state.FIELDS).get(pk=episode.pk)


def consistent():
    return state.differences() == []


@pytest.fixture
def episode(world):
    return journey.open_episode(world)  # started 59 days ago


@pytest.fixture
def assessed(world, episode):
    _, need = journey.completed_assessment(world, episode)  # completed 40 days ago
    return need


def test_a_new_episode_has_nothing_due_and_no_assessment(episode):
    assert stored(episode) == (None, None, AssessmentState.NONE, None)
    assert consistent()


def test_starting_then_completing_an_assessment(world, episode):
    assessment = assessments.assessment_start(
        episode=episode, started_on=days_ago(50), completing_organisation=world.council,
        acting_user=world.worker,
    )
    assert stored(episode)[2:] == (AssessmentState.IN_PROGRESS, None)
    assert consistent()
    with pytest.raises(ValidationError):  # refused: before the assessment started
        assessments.assessment_complete(
            assessment=assessment, completed_on=days_ago(51), acting_user=world.worker
        )
    with pytest.raises(IllegalMove):  # refused (409): no presenting need, no child's voice
        assessments.assessment_complete(
            assessment=assessment, completed_on=days_ago(30), acting_user=world.worker
        )
    assert stored(episode)[2:] == (AssessmentState.IN_PROGRESS, None)
    assessments.presenting_need_add(
        assessment=assessment, theme=world.themes[0], cin_factor="3B", baseline_score=3,
        acting_user=world.worker,
    )
    assessments.assessment_update(assessment=assessment, acting_user=world.worker,
                                  voice_of_child="I want the shouting to stop.")
    assessments.assessment_complete(
        assessment=assessment, completed_on=days_ago(30), acting_user=world.worker
    )
    assert stored(episode)[2:] == (AssessmentState.COMPLETED, days_ago(30))
    assessments.assessment_start(  # a reassessment in progress: the completed one still counts
        episode=episode, started_on=days_ago(5), completing_organisation=world.council,
        acting_user=world.worker,
    )
    assert stored(episode)[2:] == (AssessmentState.COMPLETED, days_ago(30))
    assert consistent()


def test_a_completed_assessment_cannot_be_completed_again_and_nothing_moves(world, episode):
    assessment, _ = journey.completed_assessment(world, episode)
    before = stored(episode)
    with pytest.raises(IllegalMove):
        assessments.assessment_complete(
            assessment=assessment, completed_on=days_ago(1), acting_user=world.worker
        )
    assert stored(episode) == before == (None, None, AssessmentState.COMPLETED, days_ago(40))


def test_a_plan_sets_the_first_review_then_reviews_set_the_next(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    first = Timescales.current().first_review_days
    assert stored(episode)[:2] == (days_ago(39) + dt.timedelta(days=first), None)
    assert consistent()

    journey.review(world, episode, assessed, held_days_ago=10, score=5)
    assert stored(episode)[:2] == (days_ago(10) + dt.timedelta(weeks=8), days_ago(10))
    # an earlier meeting recorded late is not the last review: nothing moves
    journey.review(world, episode, assessed, held_days_ago=20, score=4)
    assert stored(episode)[:2] == (days_ago(10) + dt.timedelta(weeks=8), days_ago(10))
    # a review with no next date: nothing is due
    plans.review_record(episode=episode, held_on=days_ago(2), attendees="Mum",
                        scores={assessed: 6}, acting_user=world.worker)
    assert stored(episode)[:2] == (None, days_ago(2))
    assert consistent()


def test_a_refused_review_changes_nothing(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    before = stored(episode)
    with pytest.raises(ValidationError):  # no attendees
        plans.review_record(episode=episode, held_on=days_ago(1), attendees=" ",
                            scores={assessed: 5}, acting_user=world.worker,
                            next_review_due=days_ago(-30))
    with pytest.raises(IllegalMove):  # 409: the next review before the meeting
        plans.review_record(episode=episode, held_on=days_ago(1), attendees="Mum",
                            scores={assessed: 5}, acting_user=world.worker,
                            next_review_due=days_ago(3))
    assert stored(episode) == before


def test_closing_ends_the_plan_and_with_it_the_first_review(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    with pytest.raises(ValidationError):  # refused: no outcome
        cases.episode_close(episode=episode, outcome="", end_date=days_ago(1),
                            acting_user=world.manager)
    assert stored(episode)[0] is not None
    cases.episode_close(episode=episode, outcome="needs_met", end_date=days_ago(1),
                        acting_user=world.manager)
    assert stored(episode) == (None, None, AssessmentState.COMPLETED, days_ago(40))
    assert consistent()


def test_a_step_up_after_a_review_keeps_the_last_review(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    journey.review(world, episode, assessed, held_days_ago=10, score=5)
    cases.episode_step_up(episode=episode, on=days_ago(1), reason="Escalating",
                          acting_user=world.manager)
    after = stored(episode)
    assert after[:2] == (days_ago(10) + dt.timedelta(weeks=8), days_ago(10))
    assert consistent()
    with pytest.raises(IllegalMove):  # a closed episode cannot step up again: nothing moves
        cases.episode_step_up(episode=episode, on=days_ago(1), reason="Again",
                              acting_user=world.manager)
    assert stored(episode) == after


def test_a_change_of_timescales_moves_the_first_review(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    timescales = Timescales.objects.filter(pk=1).first() or Timescales()
    timescales.first_review_days = 28
    timescales.save()
    assert stored(episode)[0] == days_ago(11)
    assert consistent()


def test_the_check_reports_drift_and_fixes_it(world, episode, assessed, capsys):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    call_command("episode_state_check")
    assert "consistent" in capsys.readouterr().out
    Episode.objects.filter(pk=episode.pk).update(next_review_due=None, assessment_state="none")
    with pytest.raises(SystemExit) as exit_:
        call_command("episode_state_check")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"{episode.reference} next_review_due: stored None" in err
    assert f"{episode.reference} assessment_state: stored none" in err
    assert "2 differences" in err
    with pytest.raises(SystemExit):
        call_command("episode_state_check", "--fix")
    assert "Corrected" in capsys.readouterr().err
    assert consistent()
    assert AuditEvent.objects.filter(object_type="cases.episode_state",
                                   changes={"corrected": 1}).count() == 1
    call_command("episode_state_check")


def test_the_migration_backfills_from_the_source_rows(world, episode, assessed):
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    journey.review(world, episode, assessed, held_days_ago=10, score=5)
    right = stored(episode)
    Episode.objects.update(next_review_due=None, last_review_on=None,
                           assessment_state="none", assessment_completed_on=None)
    migration = importlib.import_module("earlyhelp.cases.migrations.0009_episode_state")
    migration.backfill(apps, None)
    assert stored(episode) == right
    assert consistent()
