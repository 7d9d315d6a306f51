"""The caseload weighting's counts kept on the episode (cases.state COUNTS): every service that
changes the focus children or completes an assessment keeps them right, a refused move leaves
them alone, a change of the complex need codes recounts every episode in one statement, and the
check finds (and fixes) a stale count."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from earlyhelp.access.policy import NotAllowed
from earlyhelp.assessments import services as assessments
from earlyhelp.cases import services as cases
from earlyhelp.cases import state
from earlyhelp.cases.models import Episode
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago
from earlyhelp.thresholds.tests.factories import NeedThemeFactory
from earlyhelp.worklists import selectors
from earlyhelp.worklists.models import CaseloadWeights

pytestmark = pytest.mark.django_db


def counts(episode):
    return Episode.objects.values_list(*state.COUNTS).get(pk=episode.pk)


def consistent():
    return state.differences() == []


@pytest.fixture
def episode(world):
    return journey.open_episode(world)  # the family's two children are its focus children


def _children(episode):
    return [m.person for m in episode.family.memberships.filter(role="child")]


def _assessment_with_needs(world, episode, themes):
    assessment = assessments.assessment_start(
        episode=episode, started_on=days_ago(50), completing_organisation=world.council,
        acting_user=world.worker,
    )
    for theme in themes:
        assessments.presenting_need_add(assessment=assessment, theme=theme, baseline_score=3,
                                        acting_user=world.worker)
    assessments.assessment_update(assessment=assessment, acting_user=world.worker,
                                  voice_of_child="I want the shouting to stop.")
    return assessment


def test_opening_counts_the_focus_children(world, episode):
    assert counts(episode) == (2, 0)
    one = journey.open_episode(world, family=family_with_members(children=1, adults=1))
    assert counts(one) == (1, 0)
    assert consistent()


def test_adding_and_ending_a_focus_child_recount(world, episode):
    first, second = _children(episode)
    with pytest.raises(NotAllowed):  # refused (403): a manager's change
        cases.focus_child_end(episode=episode, person=second, on=days_ago(10),
                              acting_user=world.worker)
    assert counts(episode) == (2, 0)
    cases.focus_child_end(episode=episode, person=second, on=days_ago(10),
                          acting_user=world.manager)
    assert counts(episode) == (1, 0)
    with pytest.raises(IllegalMove):  # refused (409): an episode keeps one focus child
        cases.focus_child_end(episode=episode, person=first, on=days_ago(5),
                              acting_user=world.manager)
    assert counts(episode) == (1, 0)
    cases.focus_child_add(episode=episode, person=second, on=days_ago(3),
                          acting_user=world.manager)
    assert counts(episode) == (2, 0)
    with pytest.raises(IllegalMove):  # refused (409): already a focus child
        cases.focus_child_add(episode=episode, person=second, on=days_ago(2),
                              acting_user=world.manager)
    assert counts(episode) == (2, 0)
    assert consistent()


def test_completing_an_assessment_counts_its_complex_needs(world, episode):
    housing = NeedThemeFactory(code="housing", name="Housing")
    assessment = _assessment_with_needs(world, episode, [*world.themes, housing])  # dv, mh
    assert counts(episode) == (2, 0)  # in progress: nothing found yet
    with pytest.raises(ValidationError):  # refused: completed before it started
        assessments.assessment_complete(assessment=assessment, completed_on=days_ago(51),
                                        acting_user=world.worker)
    assert counts(episode) == (2, 0)
    assessments.assessment_complete(assessment=assessment, completed_on=days_ago(30),
                                    acting_user=world.worker)
    assert counts(episode) == (2, 2)  # dv and mh; housing is not a complex need
    with pytest.raises(IllegalMove):  # a completed assessment's needs no longer change
        assessments.presenting_need_add(assessment=assessment, theme=world.themes[0],
                                        baseline_score=2, acting_user=world.worker)
    assert counts(episode) == (2, 2)
    reassessment = _assessment_with_needs(world, episode, [world.themes[0]])
    assessments.assessment_complete(assessment=reassessment, completed_on=days_ago(1),
                                    acting_user=world.worker)
    assert counts(episode) == (2, 3)  # every completed assessment's needs, as the rule counted
    assert consistent()


def test_changing_the_codes_recounts_every_episode_in_one_statement(world, episode):
    other = journey.open_episode(world, family=family_with_members(children=1, adults=1))
    for each in (episode, other):
        assessments.assessment_complete(
            assessment=_assessment_with_needs(world, each, world.themes),
            completed_on=days_ago(30), acting_user=world.worker,
        )
    assert counts(episode)[1] == counts(other)[1] == 2
    weights = CaseloadWeights.current()
    weights.complex_need_codes = ["mh"]
    with CaptureQueriesContext(connection) as queries:
        weights.save()
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cases_episode"')]
    assert len(updates) == 1
    assert counts(episode)[1] == counts(other)[1] == 1
    assert consistent()
    recounts = AuditEvent.objects.filter(object_type="cases.episode_state",
                                         changes__has_key="recounted")
    assert [(r.changes["recounted"], r.changes["complex_need_codes"]) for r in recounts] == [
        (2, ["mh"])]
    weights.early_help = weights.early_help + 1  # the same codes: nothing recounted
    with CaptureQueriesContext(connection) as queries:
        weights.save()
    assert not [q for q in queries if q["sql"].startswith('UPDATE "cases_episode"')]
    assert recounts.count() == 1  # and no audit row for a recount that did not happen
    weights.complex_need_codes = []
    weights.save()
    assert counts(episode)[1] == 0
    CaseloadWeights.objects.all().delete()  # the defaults again: dv and mh count
    assert counts(episode)[1] == counts(other)[1] == 2
    assert consistent()


def test_the_check_finds_a_stale_count_and_fixes_it(world, episode, capsys):
    journey.completed_assessment(world, episode)  # one need: dv
    assert counts(episode) == (2, 1)
    call_command("episode_state_check")
    assert "consistent" in capsys.readouterr().out
    Episode.objects.filter(pk=episode.pk).update(focus_children_count=5, complex_needs_count=0)
    with pytest.raises(SystemExit) as exit_:
        call_command("episode_state_check")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert f"{episode.reference} focus_children_count: stored 5, source rows say 2" in err
    assert f"{episode.reference} complex_needs_count: stored 0, source rows say 1" in err
    assert "2 differences" in err
    with pytest.raises(SystemExit):
        call_command("episode_state_check", "--fix")
    assert counts(episode) == (2, 1)
    assert consistent()


def test_a_stale_count_would_change_the_load(world, episode):
    """The loads read the stored counts: a count gone stale shows (what the check is for)."""
    cases.episode_allocate(episode=episode, lead_practitioner=world.worker,
                           acting_user=world.manager)
    load = selectors.worker_loads(user=world.manager, workers=[world.worker])[world.worker.pk]
    Episode.objects.filter(pk=episode.pk).update(focus_children_count=3)
    stale = selectors.worker_loads(user=world.manager, workers=[world.worker])[world.worker.pk]
    assert stale.weighted == load.weighted + CaseloadWeights.current().each_extra_child


def test_the_migration_backfills_the_counts(world, episode):
    journey.completed_assessment(world, episode)
    CaseloadWeights.objects.create(complex_need_codes=["dv", "mh"])
    Episode.objects.update(focus_children_count=0, complex_needs_count=0)
    migration = importlib.import_module("earlyhelp.cases.migrations.0010_weighting_counts")
    migration.backfill(apps, None)
    assert counts(episode) == (2, 1)
    assert consistent()
