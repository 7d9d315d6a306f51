"""The scheduler's jobs and runs and the heartbeats, read-only in the admin (the page
/operations/jobs/ shows the same for administrators)."""

from django.contrib import admin

from .models import Heartbeat, JobRun, ScheduledJob


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnly):
    list_display = ["name", "schedule", "last_started_at", "last_outcome", "next_run_at"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnly):
    list_display = ["job", "started_at", "finished_at", "outcome", "host"]
    list_filter = ["outcome", "job"]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnly):
    list_display = ["name", "kind", "started_at", "beat_at", "state"]
