"""Episodes the import stages in bulk keep the casework rules: one open episode per family (the
import's own and those already in earlyhelp), a step-down after a closed episode, the closure's
dates – each refusal a row of the report, nothing written – and the audit rows the services
would have written."""

import pytest

from earlyhelp.cases.models import Episode, EpisodeStatus, Transition, TransitionKind
from earlyhelp.core.models import AuditAction, AuditEvent
from earlyhelp.history import services
from earlyhelp.history.models import SourceRecord
from earlyhelp.people.models import Person

from .conftest import SMALL, edit

pytestmark = pytest.mark.django_db


def run(directory, manager):
    return services.history_import(source=directory, acting_user=manager, source_system="Mosaic")


def test_a_second_episode_opened_while_the_first_is_open_is_refused_by_row(manager, extract):
    # E2 now starts before E1 has ended: the family would have two open episodes (the checks
    # before writing find it; the staged open would refuse it too).
    edit(extract, "ssd_early_help_episodes", "E2,P1,2025-09-15", "E2,P1,2025-03-15")
    result = run(extract, manager)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.table, problem.column) == ("ssd_early_help_episodes",
                                               "earl_episode_start_date")
    assert "overlaps episode 'E1'" in problem.reason
    assert problem.row == 4  # E2's row in the file (header is row 1)
    assert not Person.objects.exists() and not Episode.objects.exists()


def test_an_episode_opened_while_an_earlier_import_left_one_open_is_refused(manager, extract):
    assert run(SMALL, manager).ok  # E3 (F1) is left open
    open_e3 = Episode.objects.get(pk=SourceRecord.objects.get(source_id="E3").object_id)
    # The later extract no longer lists E3 (still open here) and opens E9 for the same family.
    edit(extract, "ssd_early_help_episodes",
         "E3,P1,2026-03-01,,Parenting and family dynamics,,Family Support West,",
         "E9,P2,2026-04-01,,Mental health,,Family Support West,")
    result = run(extract, manager)
    assert not result.ok
    assert open_e3.reference in result.problems[0].reason
    assert Episode.objects.count() == 5  # nothing added


def test_a_closure_before_the_start_is_refused_by_row(manager, extract):
    edit(extract, "ssd_early_help_episodes", "E4,P4,2025-02-20,2025-08-31",
         "E4,P4,2025-02-20,2025-01-31")
    result = run(extract, manager)
    assert not result.ok
    assert [(p.table, p.column) for p in result.problems] == [
        ("ssd_early_help_episodes", "earl_episode_end_date")]
    assert "before the episode start" in result.problems[0].reason
    assert not Episode.objects.exists()


def test_staged_episodes_carry_the_services_audit_rows_and_transitions(manager):
    assert run(SMALL, manager).ok
    e2 = Episode.objects.get(pk=SourceRecord.objects.get(source_id="E2").object_id)
    assert (e2.status, e2.version) == (EpisodeStatus.CLOSED, 2)
    rows = AuditEvent.objects.filter(object_id=str(e2.pk), object_type="cases.episode")
    created = rows.get(action=AuditAction.CREATE)
    assert created.changes["status"] == "open"
    closed = rows.get(action=AuditAction.CHANGE, changes__has_key="status")
    assert closed.changes["status"] == ["open", "closed"]
    assert Transition.objects.filter(episode=e2, kind=TransitionKind.STEP_UP, cin_code="5D").exists()
    e3 = Episode.objects.get(pk=SourceRecord.objects.get(source_id="E3").object_id)
    assert e3.previous_episode == e2 and e3.route_in == "step_down"
    assert Transition.objects.get(episode=e3).kind == TransitionKind.STEP_DOWN
    assert sorted(p.given_name for p in e3.focus_children.all()) == ["Amira"]
    assert e3.focus_history.get().started_on == e3.start_date
