"""The operations page: each scheduled job's last run, outcome and next run; the processes."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.web.views.base import page

from . import health, scheduler
from .jobs import configured
from .models import Heartbeat, JobRun


@login_required
def jobs(request):
    policy.require(request.user, policy.Action.SEE_SCHEDULED_JOBS)
    rows = scheduler.sync()
    now = timezone.now()
    listed = [
        {
            "job": job,
            "schedule": schedule,
            "row": rows[job.name],
            "last_run": rows[job.name].runs.order_by("-started_at").first(),
        }
        for job, schedule in configured()
    ]
    processes = [
        {
            "beat": beat,
            "age": round((now - beat.beat_at).total_seconds()),
            "fresh": now - beat.beat_at <= health.stale_after(),
        }
        for beat in Heartbeat.objects.order_by("kind", "-beat_at")
    ]
    return page(
        request,
        "operations/jobs.html",
        {
            "page_title": "Scheduled jobs",
            "jobs": listed,
            "processes": processes,
            "recent": JobRun.objects.select_related("job").order_by("-started_at")[:20],
        },
    )
