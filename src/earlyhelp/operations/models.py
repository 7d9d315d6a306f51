"""What the operations app keeps: process heartbeats and the scheduler's jobs and their runs.

None of it is personal data: names of processes and jobs, times, outcomes and command output."""

from django.db import models


class Heartbeat(models.Model):
    """A long-running process (task worker, scheduler) says it is alive, every half minute."""

    class Kind(models.TextChoices):
        WORKER = "worker", "Task worker"
        SCHEDULER = "scheduler", "Scheduler"

    name = models.CharField(max_length=200, primary_key=True)  # kind:host:pid
    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()
    state = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "-beat_at"], name="ops_heartbeat_kind_beat")]

    def __str__(self):
        return self.name


class Outcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ScheduledJob(models.Model):
    """One periodic job's state. `next_run_at` is also the claim: a scheduler runs a job only
    after moving it forward with a compare-and-set, so two schedulers never run it twice."""

    name = models.CharField(max_length=100, primary_key=True)
    schedule = models.CharField(max_length=100)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    last_output = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class JobRun(models.Model):
    """One run of a scheduled job (kept for the history page; old runs are pruned)."""

    job = models.ForeignKey(ScheduledJob, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RUNNING)
    output = models.TextField(blank=True)
    host = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"], name="ops_jobrun_job_started")]

    def __str__(self):
        return f"{self.job_id} at {self.started_at:%Y-%m-%d %H:%M}"
