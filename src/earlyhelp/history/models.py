"""Where each imported record came from, and the doubtful person matches waiting for review."""

from django.db import models

from earlyhelp.core.models import BaseModel


class SourceRecord(models.Model):
    """One SSD row (source system, table, id) and the earlyhelp record it became: a later
    extract updates by it instead of adding a duplicate."""

    id = models.BigAutoField(primary_key=True)
    source_system = models.CharField(max_length=60)
    table = models.CharField(max_length=40)
    source_id = models.CharField(max_length=48)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "table", "source_id"], name="source_record_once"
            )
        ]


class Decision(models.TextChoices):
    WAITING = "", "Waiting for review"
    LINK = "link", "Same person: linked"
    NEW = "new", "Different person: imported as new"
    NOT_CHOSEN = "not_chosen", "Another candidate was chosen"


class MatchReview(BaseModel):
    """An incoming SSD person who may be someone already here, scored between the linkage
    thresholds (or sharing an identifier without the date of birth to confirm it): neither
    merged nor imported until an administrator decides. One row per candidate."""

    source_system = models.CharField(max_length=60)
    source_id = models.CharField(max_length=48)
    # The incoming record as the extract gave it (names, date of birth, sex, postcode, ids).
    incoming = models.JSONField(default=dict)
    candidate = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(null=True)
    # [{name, level, weight}] – the model's comparisons; weight > 0 agreed, < 0 disagreed.
    comparisons = models.JSONField(default=list)
    reason = models.CharField(max_length=300)
    resolved = models.BooleanField(default=False)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "source_id"]

    @property
    def agreed(self) -> list[dict]:
        return [c for c in self.comparisons if c["weight"] > 0]

    @property
    def disagreed(self) -> list[dict]:
        return [c for c in self.comparisons if c["weight"] <= 0]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Checking and importing"
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Not imported: problems in the extract"
    FAILED = "failed", "Failed"


class ImportRun(BaseModel):
    """One import: who ran it, when, from which files (with their SHA-256), how far it has got
    and what it did. The page's uploads run through the task worker (status, progress); the
    command's imports are recorded once written."""

    source_system = models.CharField(max_length=60)
    # [{name, bytes, sha256}]
    files = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=RunStatus.choices,
                              default=RunStatus.IMPORTED)
    rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    staged_path = models.CharField(max_length=300, blank=True)
    # [[table, row, column, reason]] when refused
    problems = models.JSONField(default=list)
    message = models.CharField(max_length=500, blank=True)
    # {created: {...}, updated: {...}, matched, reviews, waiting}
    summary = models.JSONField(default=dict)
    # The task worker that claimed the run ("host:pid") and when: a run whose worker has died
    # is failed rather than left "checking and importing" (services.fail_stale_runs).
    worker = models.CharField(max_length=120, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    @property
    def running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return 100
        return int(100 * self.rows_done / self.rows) if self.rows else 0

    class Meta:
        ordering = ["-created_at"]
