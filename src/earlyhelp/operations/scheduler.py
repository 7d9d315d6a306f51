"""The scheduler: runs each periodic job (operations/jobs.py) when it is due, records the run.

Several schedulers may run (one per server): a job runs once per due time, because a scheduler
claims it by moving `next_run_at` forward with a compare-and-set before running it. A job missed
while no scheduler ran (a deploy, an outage) runs once when a scheduler next starts, not once per
missed time."""

import datetime as dt
import logging
import socket
import time
import traceback
from io import StringIO

from django.core.management import call_command, get_commands
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .heartbeat import HeartbeatThread
from .jobs import Job, configured
from .models import JobRun, Outcome, ScheduledJob

logger = logging.getLogger(__name__)

KEEP_RUNS = 100  # per job
OUTPUT_LIMIT = 20_000  # characters of a run's output kept


def sync(now=None) -> dict[str, ScheduledJob]:
    """Make sure every configured job has its row, on the schedule configured now."""
    now = now or timezone.now()
    rows = {}
    for job, schedule in configured():
        row = ScheduledJob.objects.filter(pk=job.name).first()
        if row is None:
            row = ScheduledJob.objects.create(
                name=job.name, schedule=schedule.text, next_run_at=_next(schedule, now)
            )
        elif row.schedule != schedule.text:
            row.schedule = schedule.text
            row.next_run_at = _next(schedule, now)
            row.save(update_fields=["schedule", "next_run_at"])
        rows[job.name] = row
    return rows


NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)  # a job switched off (the page says "off")


def _next(schedule, now):
    return schedule.next_after(now) or NEVER


def run_due(now=None) -> list[str]:
    """Run every job that is due and that this scheduler manages to claim; return their names."""
    now = now or timezone.now()
    rows = sync(now)
    ran = []
    for job, schedule in configured():
        row = rows[job.name]
        if schedule.is_off or row.next_run_at > now:
            continue
        claimed = ScheduledJob.objects.filter(pk=job.name, next_run_at=row.next_run_at).update(
            next_run_at=schedule.next_after(now)
        )
        if claimed:
            execute(job)
            ran.append(job.name)
    return ran


def execute(job: Job) -> JobRun:
    """Run one job now and record how it went (a failure is recorded, never raised)."""
    started = timezone.now()
    ScheduledJob.objects.filter(pk=job.name).update(
        last_started_at=started, last_outcome=Outcome.RUNNING
    )
    run = JobRun.objects.create(job_id=job.name, started_at=started, host=socket.gethostname())
    output = StringIO()
    outcome = Outcome.SUCCEEDED
    if job.command_name not in get_commands():
        outcome = Outcome.FAILED
        output.write(f"There is no command {job.command_name!r} to run.\n")
    else:
        try:
            call_command(job.command_name, *job.args, stdout=output, stderr=output)
        except SystemExit as stop:  # a command that exits non-zero (e.g. audit_verify) failed
            if stop.code not in (0, None):
                outcome = Outcome.FAILED
                output.write(f"\nExited with status {stop.code}.\n")
        except Exception:
            outcome = Outcome.FAILED
            output.write("\n" + traceback.format_exc())
    text = output.getvalue()
    if len(text) > OUTPUT_LIMIT:
        text = text[: OUTPUT_LIMIT // 2] + "\n…\n" + text[-OUTPUT_LIMIT // 2 :]
    finished = timezone.now()
    if not connection.in_atomic_block:  # inside a caller's transaction the connection is theirs
        close_old_connections()  # a long job may have outlived the connection
    run.finished_at, run.outcome, run.output = finished, outcome, text
    run.save(update_fields=["finished_at", "outcome", "output"])
    ScheduledJob.objects.filter(pk=job.name).update(
        last_finished_at=finished, last_outcome=outcome, last_output=text[-2000:]
    )
    old = JobRun.objects.filter(job_id=job.name).order_by("-started_at")[KEEP_RUNS:]
    JobRun.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    log = logger.info if outcome == Outcome.SUCCEEDED else logger.error
    log("scheduled job %s %s in %.1f s", job.name, outcome, (finished - started).total_seconds())
    return run


def loop(*, interval: float = 20, stopped=None) -> None:
    """Run due jobs until `stopped` (a threading.Event) is set; wait out database outages."""
    current = {"state": "starting"}
    heart = HeartbeatThread("scheduler", state=lambda: current["state"])
    heart.start()
    try:
        while not (stopped and stopped.is_set()):
            try:
                close_old_connections()
                current["state"] = "checking"
                ran = run_due()
                current["state"] = f"idle; last ran {', '.join(ran)}" if ran else "idle"
            except DatabaseError as error:
                current["state"] = "waiting for the database"
                logger.warning("scheduler: database unavailable, retrying: %s", error)
            if stopped:
                stopped.wait(interval)
            else:
                time.sleep(interval)
    finally:
        heart.stop()
