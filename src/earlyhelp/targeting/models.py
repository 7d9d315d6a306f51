"""Targeting: staged source batches, linkage models and runs, clerical review, criteria, cohorts.

Bulk rows (staged source records, scored pairs, clusters, households, evidence) live in Parquet
files under the targeting data directory; these models hold what people see, decide and
configure, and where each file is. See docs/decisions/targeting-storage.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel

from .sources import SOURCE_TYPES

SOURCE_TYPE_CHOICES = [(code, source.name) for code, source in SOURCE_TYPES.items()]


class SourceBatch(BaseModel):
    """One imported file, staged as Parquet: who imported it, when, from which file."""

    source_type = models.CharField(max_length=40, choices=SOURCE_TYPE_CHOICES)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, verbose_name="SHA-256 checksum")
    size_bytes = models.BigIntegerField()
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    # The earliest and latest record dates in the file.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    # Relative to the targeting data directory.
    path = models.CharField(max_length=300)
    # A withdrawn batch is kept (for provenance) but left out of later runs.
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "source batches"
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="sourcebatch_unique_file"),
        ]
        indexes = [models.Index(fields=["source_type", "is_active"], name="sourcebatch_type_idx")]

    def __str__(self):
        return f"{self.get_source_type_display()} – {self.file_name}"


class LinkageModel(BaseModel):
    """A saved Splink model (its settings and trained parameters), numbered in order."""

    version = models.PositiveIntegerField(unique=True)
    settings_json = models.JSONField()
    description = models.CharField(max_length=300, blank=True)
    trained_on_profiles = models.PositiveIntegerField(null=True, blank=True)
    training_notes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"Linkage model version {self.version}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Backend(models.TextChoices):
    DUCKDB = "duckdb", "DuckDB (this machine)"
    SPARK = "spark", "Spark"


class TargetingRun(BaseModel):
    """One run: link every active batch and the people in earlyhelp, group households, apply
    criteria, produce cohorts. Progress is written here as it goes, for the runs page."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference_date = models.DateField(help_text="Criteria time windows end on this date")
    backend = models.CharField(max_length=10, choices=Backend.choices, default=Backend.DUCKDB)
    retrain = models.BooleanField(default=False, help_text="Estimate a new model version")
    match_threshold = models.FloatField(default=0.95)
    review_floor = models.FloatField(default=0.5)
    model = models.ForeignKey(
        LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    batches = models.ManyToManyField(SourceBatch, blank=True, related_name="runs")
    criteria_sets = models.ManyToManyField("CriteriaSet", blank=True, related_name="runs")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Relative to the targeting data directory.
    output_dir = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="targetingrun_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="targetingrun_progress_max_100"
            ),
        ]

    def __str__(self):
        return f"Targeting run of {self.created_at:%d %B %Y %H:%M}"


class ClericalDecision(BaseModel):
    """A person's decision that two profiles are (or are not) the same person.

    Kept across runs: on every later run the latest decision on a pair wins over the model.
    Profile ids are hashes of the cleaned details, so a decision applies wherever those same
    details appear again.
    """

    profile_id_l = models.CharField(max_length=16)
    profile_id_r = models.CharField(max_length=16)
    accepted = models.BooleanField()
    reason = text_field(limits.SHORT, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    run = models.ForeignKey(
        TargetingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(
                fields=["profile_id_l", "profile_id_r", "decided_at"], name="decision_pair_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(profile_id_l__lt=models.F("profile_id_r")),
                name="decision_pair_ordered",
            )
        ]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Accepted: same person"
    REJECTED = "rejected", "Rejected: different people"


class ClericalReview(models.Model):
    """An uncertain pair a run put in the clerical review queue."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="reviews")
    profile_id_l = models.CharField(max_length=16)
    profile_id_r = models.CharField(max_length=16)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    hold_reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decision = models.ForeignKey(
        ClericalDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["run", "-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "profile_id_l", "profile_id_r"], name="review_unique_pair_per_run"
            )
        ]
        indexes = [models.Index(fields=["run", "status"], name="review_run_status_idx")]


class CriteriaSet(BaseModel):
    """A set of criteria (e.g. Supporting Families 2022–25) and when a family meets the set.

    `eligibility` is a list of alternatives, each {group: minimum criteria met in that group};
    a family is eligible when it meets any alternative (and the family condition, if any).
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)
    eligibility = models.JSONField()
    family_condition = models.JSONField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    shipped = models.BooleanField(default=False, help_text="Shipped with earlyhelp")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .criteria import validate_rule

        alternatives = self.eligibility
        if (
            not isinstance(alternatives, list)
            or not alternatives
            or not all(
                isinstance(a, dict) and a and all(isinstance(v, int) and v >= 0 for v in a.values())
                for a in alternatives
            )
        ):
            raise ValidationError(
                {"eligibility": 'List the alternatives as {group: minimum}, e.g. [{"headline": 2}]'}
            )
        if self.family_condition:
            try:
                validate_rule(self.family_condition, family_condition=True)
            except ValidationError as exc:
                raise ValidationError({"family_condition": exc.messages}) from exc


class Criterion(BaseModel):
    """One criterion: a rule over linked source records with a time window (see criteria.py)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=40, default="headline")
    description = text_field(limits.SHORT, blank=True)
    rule = models.JSONField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_unique_code")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .criteria import validate_rule

        try:
            validate_rule(self.rule)
        except ValidationError as exc:
            raise ValidationError({"rule": exc.messages}) from exc


class CohortFamily(models.Model):
    """A household a run found meeting a criteria set (or some of it), with what it meets.

    The evidence (which records, from which agency, which dates) is in the run's evidence file.
    """

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(TargetingRun, on_delete=models.CASCADE, related_name="cohort")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    household_key = models.CharField(max_length=16)
    postcode_district = models.CharField(max_length=5, blank=True)
    members = models.PositiveSmallIntegerField()
    children = models.PositiveSmallIntegerField()
    criteria_met = models.JSONField(default=list)
    criteria_count = models.PositiveSmallIntegerField()
    eligible = models.BooleanField()
    known_to_early_help = models.BooleanField(default=False)
    known_to_social_care = models.BooleanField(default=False)
    earlyhelp_family_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "-criteria_count", "household_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "criteria_set", "household_key"], name="cohort_unique_household"
            )
        ]
        indexes = [
            models.Index(
                fields=["run", "criteria_set", "eligible", "known_to_early_help"],
                name="cohort_filter_idx",
            )
        ]


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    IMPORTED = "imported", "Imported"
    REFUSED = "refused", "Not imported: the file has problems"
    FAILED = "failed", "Failed"


class AgencyUpload(BaseModel):
    """An agency file an analyst uploaded on the upload page: checked and imported in the
    background (a large file takes a while), with its progress, its problems or its batch."""

    source_type = models.CharField(max_length=40, choices=SOURCE_TYPE_CHOICES)
    file_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Where the uploaded file waits under the targeting directory; removed once checked.
    staged_path = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    # Every problem found: [row or null, column, reason].
    problems = models.JSONField(default=list, blank=True)
    batch = models.OneToOneField(
        SourceBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="agencyupload_progress_max_100"
            )
        ]

    def __str__(self):
        return f"{self.get_source_type_display()} upload {self.file_name}"

    @property
    def running(self) -> bool:
        return self.status in (UploadStatus.QUEUED, UploadStatus.CHECKING)
