import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from earlyhelp.core.tests.test_audit import database_admin
from earlyhelp.operations import jobs, scheduler
from earlyhelp.operations.models import JobRun, Outcome, ScheduledJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_jobs(monkeypatch):
    """A job that succeeds (check) and one that fails (audit_verify on a broken chain is too
    slow to set up: an unknown command fails the same way, recorded not raised)."""
    listed = [
        jobs.Job("system_check", "daily at 06:00", "Django's checks", command="check"),
        jobs.Job("missing", "daily at 07:00", "A command that is not there"),
    ]
    monkeypatch.setattr(jobs, "JOBS", listed)
    return listed


def test_every_shipped_job_is_a_real_command_on_a_readable_schedule():
    from django.core.management import get_commands

    names = {job.name for job, _ in jobs.configured()}
    assert {"panels_detect_stuck", "retention_review"} <= names
    for job, schedule in jobs.configured():
        assert job.command_name in get_commands(), job
        assert schedule.next_after(timezone.now()) is not None


def test_nothing_runs_before_it_is_due(two_jobs):
    now = timezone.now()
    assert scheduler.run_due(now) == []
    assert ScheduledJob.objects.count() == 2
    assert JobRun.objects.count() == 0


def test_a_due_job_runs_once_and_its_outcome_and_next_run_are_kept(two_jobs):
    scheduler.sync()
    ScheduledJob.objects.update(next_run_at=timezone.now() - dt.timedelta(days=3))
    now = timezone.now()
    ran = scheduler.run_due(now)
    assert sorted(ran) == ["missing", "system_check"]
    ok = ScheduledJob.objects.get(pk="system_check")
    assert ok.last_outcome == Outcome.SUCCEEDED
    assert "no issues" in ok.last_output
    assert ok.next_run_at > now  # missed days run once, not three times
    failed = ScheduledJob.objects.get(pk="missing")
    assert failed.last_outcome == Outcome.FAILED
    assert "no command 'missing'" in failed.last_output
    assert scheduler.run_due(now) == []  # claimed: a second pass (or scheduler) runs nothing
    assert JobRun.objects.filter(outcome=Outcome.SUCCEEDED).count() == 1


def test_a_job_switched_off_in_settings_never_runs(two_jobs, settings):
    settings.EARLYHELP_SCHEDULE = {"system_check": "off"}
    scheduler.sync()
    ScheduledJob.objects.filter(pk="missing").update(next_run_at=timezone.now() - dt.timedelta(1))
    assert scheduler.run_due() == ["missing"]
    assert ScheduledJob.objects.get(pk="system_check").next_run_at.year == 9999


def test_run_job_command_records_the_run_and_fails_loudly(two_jobs, capsys):
    call_command("run_job", "system_check")
    assert JobRun.objects.get(job_id="system_check").outcome == Outcome.SUCCEEDED
    with pytest.raises(CommandError, match="missing failed"):
        call_command("run_job", "missing")
    with pytest.raises(CommandError, match="No job 'nope'"):
        call_command("run_job", "nope")


def test_a_command_exiting_non_zero_is_a_failure(monkeypatch):
    monkeypatch.setattr(
        jobs, "JOBS", [jobs.Job("verify", "daily at 03:00", "", command="audit_verify")]
    )
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction, AuditEvent

    audit.record(user=None, action=AuditAction.EXPORT, object_type="x", detail="one")
    audit.record(user=None, action=AuditAction.EXPORT, object_type="x", detail="two")
    audit.seal()  # chained first: tampering with a sealed row is what verify must catch
    with database_admin():  # on PostgreSQL only the table owner, triggers off, can tamper
        AuditEvent.objects.filter(detail="one").update(detail="changed")
    scheduler.sync()
    run = scheduler.execute(jobs.JOBS[0])
    assert run.outcome == Outcome.FAILED
    assert "Exited with status 1" in run.output


def test_every_shipped_job_names_a_real_command_and_a_valid_schedule():
    from django.core.management import get_commands

    from earlyhelp.operations.schedule import Schedule

    commands = get_commands()
    for job in jobs.JOBS:
        assert job.command_name in commands, job.name
        Schedule(job.schedule)  # raises ScheduleError on a schedule it cannot read
