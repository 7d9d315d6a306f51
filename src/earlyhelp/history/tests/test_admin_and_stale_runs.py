"""The administrator's import (an action of its own, which the casework services accept for the
writes they make for it), and runs whose worker died: failed with a reason, not left waiting."""

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.cases.models import ClosureOutcome, Episode
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.history import services
from earlyhelp.history.models import ImportRun, RunStatus, SourceRecord
from earlyhelp.people.models import Person

from .conftest import SMALL, edit
from .test_page import upload, zipped

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.EARLYHELP_HISTORY_DIR = str(tmp_path / "staged")
    return tmp_path / "staged"


@pytest.fixture
def admin(teams):
    return UserFactory(username="admin1", role=Role.ADMIN, team=None)


def test_an_administrator_without_a_team_imports_on_the_page(
        client, admin, django_capture_on_commit_callbacks):
    assert not policy.can(admin, policy.Action.CREATE_HOUSEHOLD)  # no casework rights of theirs
    verified_login(client, admin)
    response = upload(client, django_capture_on_commit_callbacks,
                      {"source_system": "Mosaic", "files": zipped(SMALL)})
    assert response.status_code == 200
    assert "History imported" in response.content.decode()
    assert ImportRun.objects.get().status == RunStatus.IMPORTED
    assert Person.objects.count() == 6 and Episode.objects.count() == 5
    # Marked imported, with the source system and id, by the administrator.
    marks = AuditEvent.objects.filter(reason="imported history", user=admin,
                                      changes__source_system="Mosaic")
    assert marks.filter(changes__source_table="ssd_person", changes__source_id="P1").exists()
    assert marks.count() == SourceRecord.objects.count() + 1  # and the run's own row
    # The authority lasted the import only.
    assert not policy.can(admin, policy.Action.CLOSE, Episode.objects.first())


def test_an_administrators_later_extract_goes_through_the_services(admin, extract):
    assert services.history_import(source=SMALL, acting_user=admin, source_system="Mosaic").ok
    edit(extract, "ssd_person", "P4,Tom,Evans", "P4,Tom,Evans-Wright")
    edit(extract, "ssd_early_help_episodes", "E3,P1,2026-03-01,,Parenting and family dynamics,,",
         "E3,P1,2026-03-01,2026-06-01,Parenting and family dynamics,Outcomes met,")
    later = services.history_import(source=extract, acting_user=admin, source_system="Mosaic")
    assert later.ok, later.problems
    assert later.updated == {"people": 1, "episodes": 1}  # person_update, episode_close
    assert Person.objects.get(given_name="Tom").family_name == "Evans-Wright"
    e3 = Episode.objects.get(pk=SourceRecord.objects.get(source_id="E3").object_id)
    assert (e3.status, e3.closure_outcome) == ("closed", ClosureOutcome.NEEDS_MET)
    assert AuditEvent.objects.filter(object_id=str(e3.pk), user=admin,
                                     changes__status=["open", "closed"]).exists()


@pytest.mark.parametrize("role", [Role.WORKER, Role.PARTNER, Role.ANALYST])
def test_a_worker_a_partner_and_an_analyst_are_refused(client, teams, role):
    user = UserFactory(role=role, team=teams[0] if role == Role.WORKER else None)
    verified_login(client, user)
    response = client.post("/history/import/", {"source_system": "Mosaic",
                                                "files": zipped(SMALL)})
    assert response.status_code == 403
    with pytest.raises(CommandError, match="You cannot import history"):
        call_command("history_import", str(SMALL), user=user.username, source_system="Mosaic")
    with pytest.raises(policy.NotAllowed):
        services.history_import(source=SMALL, acting_user=user, source_system="Mosaic")
    with pytest.raises(policy.NotAllowed), policy.importing_history(user):
        pass
    assert not Person.objects.exists() and not ImportRun.objects.exists()


def test_the_command_imports_as_an_administrator(admin, capsys):
    call_command("history_import", str(SMALL), user=admin.username, source_system="Mosaic")
    assert "Imported 27 rows from Mosaic" in capsys.readouterr().out
    assert Person.objects.count() == 6


# -- runs whose worker died ---------------------------------------------------------------------

def running(manager, *, worker: str, started_at) -> ImportRun:
    run = services.import_receive(files={"ssd_person.csv": b"x"}, source_system="Mosaic",
                                  acting_user=manager, enqueue=False)
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, worker=worker,
                                               started_at=started_at)
    return run


def dead_pid() -> int:
    """The id of a process that has just ended on this host."""
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_a_run_whose_worker_process_is_gone_is_failed_with_the_reason(client, manager, staging):
    host = socket.gethostname()
    dead = running(manager, worker=f"{host}:{dead_pid()}", started_at=timezone.now())
    alive = running(manager, worker=f"{host}:{__import__('os').getpid()}",
                    started_at=timezone.now())
    verified_login(client, manager)
    page = client.get(f"/history/runs/{dead.pk}/").content.decode()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == RunStatus.FAILED and alive.status == RunStatus.RUNNING
    assert "stopped before the import finished" in dead.message
    assert "There is a problem" in page and "stopped before the import finished" in page
    assert not (staging / str(dead.pk)).exists() and (staging / str(alive.pk)).exists()
    assert AuditEvent.objects.filter(object_id=str(dead.pk),
                                     changes__status=["running", "failed"]).exists()
    # The progress panel stops polling: the whole page shows the outcome.
    assert client.get(f"/history/runs/{dead.pk}/progress/")["HX-Refresh"] == "true"


def test_a_run_on_another_host_fails_only_past_the_time_limit(manager):
    now = timezone.now()
    old = running(manager, worker="elsewhere:123", started_at=now - dt.timedelta(hours=7))
    recent = running(manager, worker="elsewhere:124", started_at=now - dt.timedelta(minutes=5))
    assert [r.pk for r in services.fail_stale_runs()] == [old.pk]
    recent.refresh_from_db()
    assert recent.status == RunStatus.RUNNING
    assert "did not finish within 6:00:00" in ImportRun.objects.get(pk=old.pk).message
    # Past the limit later on, it fails too; a failed run is not failed twice.
    assert [r.pk for r in services.fail_stale_runs(now + dt.timedelta(hours=7))] == [recent.pk]
    assert services.fail_stale_runs(now + dt.timedelta(hours=8)) == []


def test_a_worker_starting_a_run_fails_the_runs_of_one_that_died(manager):
    dead = running(manager, worker=f"{socket.gethostname()}:{dead_pid()}",
                   started_at=timezone.now())
    files = {p.name: p.read_bytes() for p in SMALL.glob("*.csv")}
    queued = services.import_receive(files=files, source_system="Mosaic", acting_user=manager,
                                     enqueue=False)
    done = services.import_run(queued.pk)
    assert done.status == RunStatus.IMPORTED
    assert done.worker.startswith(socket.gethostname() + ":") and done.started_at is not None
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED


def test_the_run_limit_comes_from_the_settings(manager, settings):
    settings.EARLYHELP_HISTORY_RUN_LIMIT = dt.timedelta(minutes=30)
    now = timezone.now()
    old = running(manager, worker="elsewhere:125", started_at=now - dt.timedelta(minutes=31))
    recent = running(manager, worker="elsewhere:126", started_at=now - dt.timedelta(minutes=29))
    assert [r.pk for r in services.fail_stale_runs()] == [old.pk]
    assert "did not finish within 0:30:00" in ImportRun.objects.get(pk=old.pk).message
    recent.refresh_from_db()
    assert recent.status == RunStatus.RUNNING


@pytest.mark.parametrize(("value", "expected"), [
    ("6h", dt.timedelta(hours=6)), ("90m", dt.timedelta(minutes=90)),
    ("45", dt.timedelta(minutes=45)), (" 2D ", dt.timedelta(days=2)),
    ("600s", dt.timedelta(minutes=10)), (None, dt.timedelta(hours=6))])
def test_the_run_limit_is_read_from_the_environment(monkeypatch, value, expected):
    from earlyhelp.settings.env import env_duration

    monkeypatch.delenv("HISTORY_RUN_LIMIT", raising=False)
    if value is None:
        monkeypatch.delenv("EARLYHELP_HISTORY_RUN_LIMIT", raising=False)
    else:
        monkeypatch.setenv("EARLYHELP_HISTORY_RUN_LIMIT", value)
    assert env_duration("HISTORY_RUN_LIMIT", "6h") == expected


@pytest.mark.parametrize("value", ["6 hours", "1.5h", "-2h", "0", "h", "6w"])
def test_a_bad_run_limit_in_the_environment_is_refused_by_name(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from earlyhelp.settings.env import env_duration

    monkeypatch.setenv("EARLYHELP_HISTORY_RUN_LIMIT", value)
    with pytest.raises(ImproperlyConfigured, match="EARLYHELP_HISTORY_RUN_LIMIT must be"):
        env_duration("HISTORY_RUN_LIMIT", "6h")


def test_the_settings_module_reads_the_run_limit_from_the_environment():
    import os

    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.EARLYHELP_HISTORY_RUN_LIMIT)")
    from pathlib import Path

    root = Path(__file__).resolve().parents[4]
    env = {**os.environ, "EARLYHELP_HISTORY_RUN_LIMIT": "90m", "PYTHONPATH": str(root / "src"),
           "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=root)
    assert out.stdout.strip() == "1:30:00", out.stderr
    env["EARLYHELP_HISTORY_RUN_LIMIT"] = "soon"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=root)
    assert out.returncode != 0 and "EARLYHELP_HISTORY_RUN_LIMIT must be" in out.stderr
