"""Indicator definitions: what each measure means, its unit, direction, target and RAG thresholds.

The definition is data an administrator edits (targets change every year); the computation is
code, one small function per indicator in the `computations` package, found by the
definition's `code`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel


class Unit(models.TextChoices):
    COUNT = "count", "Number"
    PERCENT = "percent", "Percentage"
    DAYS = "days", "Days"
    POINTS = "points", "Score points"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEUTRAL = "neutral", "Neither – monitored"


class Breakdown(models.TextChoices):
    """What an indicator can be broken down by, besides the period (which every one can)."""

    TEAM = "team", "Team"
    LOCALITY = "locality", "Locality"
    LEVEL = "level", "Level of need"
    AGENCY = "agency", "Initiating agency type"


class Category(models.TextChoices):
    INITIATION = "initiation", "Initiation"
    FRONT_DOOR = "front_door", "Front door"
    PROGRESS = "progress", "Progress"
    OUTCOMES = "outcomes", "Outcomes"


class IndicatorDefinition(BaseModel):
    code = models.SlugField(max_length=60, unique=True, help_text="links to the computation")
    name = models.CharField(max_length=200)
    definition = text_field(limits.SHORT, help_text="what is counted, exactly, in plain English")
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # For a count the target is per month: a quarter's target is three times it.
    target = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True,
        help_text="green at or better than this; blank means the indicator is monitored only",
    )
    red_threshold = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True,
        help_text="the red/amber boundary: worse than this is red, between it and the target amber",
    )
    breakdowns = models.JSONField(
        default=list, blank=True, help_text="which of team, locality, level, agency are offered"
    )
    parameters = models.JSONField(
        default=dict, blank=True,
        help_text='local settings the computation reads, e.g. {"days": 45} for a timescale',
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="where the definition or target comes from"
    )
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(red_threshold__isnull=True) | Q(target__isnull=False),
                name="indicator_red_needs_target",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from .registry import REGISTRY

        errors = {}
        spec = REGISTRY.get(self.code)
        if spec is None:
            errors["code"] = f"No computation is registered for the code '{self.code}'."
        else:
            if self.unit and self.unit != spec.unit:
                errors["unit"] = (
                    f"This indicator is computed as {Unit(spec.unit).label.lower()}; "
                    "the unit cannot be changed."
                )
            unknown = [b for b in self.breakdowns or [] if b not in spec.dimensions]
            if unknown:
                errors["breakdowns"] = (
                    f"This indicator cannot be broken down by: {', '.join(unknown)}. "
                    f"It can be by: {', '.join(spec.dimensions) or 'period only'}."
                )
        if self.red_threshold is not None and self.target is None:
            errors["red_threshold"] = "Set a target before a red threshold."
        if self.target is not None and self.direction == Direction.NEUTRAL:
            errors["target"] = "A monitored indicator has no target: choose higher or lower first."
        if self.target is not None and self.red_threshold is not None:
            if self.direction == Direction.HIGHER and self.red_threshold > self.target:
                errors["red_threshold"] = (
                    "When higher is better, the red threshold must be at or below the target."
                )
            if self.direction == Direction.LOWER and self.red_threshold < self.target:
                errors["red_threshold"] = (
                    "When lower is better, the red threshold must be at or above the target."
                )
        if self.unit == Unit.PERCENT:
            for name in ("target", "red_threshold"):
                value = getattr(self, name)
                if value is not None and not 0 <= value <= 100:
                    errors[name] = "A percentage must be between 0 and 100."
        if errors:
            raise ValidationError(errors)


class DashboardSnapshot(models.Model):
    """The whole dashboard of one scope for the current period of one kind, worked out by the
    nightly job (`insights_materialise`) so the page reads it instead of counting three years of
    casework on every request. Derived data: it is rebuilt from the records, never edited, and
    read only while it is the day's (docs/decisions/insights-dashboard-materialised.md)."""

    as_of = models.DateField(help_text="the day the figures are for (the job's 'today')")
    computed_at = models.DateTimeField(help_text="when the job read the records")
    scope_key = models.CharField(max_length=60, help_text="'borough' or 'service:<id>'")
    kind = models.CharField(max_length=10, help_text="month, quarter or year")
    period_start = models.DateField()
    # {code: {"parameters": {...}, "trend": [[period key, result], ...], "previous": result}}
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["as_of", "scope_key", "kind"],
                                    name="dashboard_snapshot_unique"),
        ]

    def __str__(self):
        return f"{self.scope_key} {self.kind} as of {self.as_of}"


class _AnnexAChild(models.Model):
    """The child's Annex A columns, copied from the person (kept current by a receiver on the
    person's save; docs/decisions/insights-annex-a-live.md): read with the row, no join."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    child_id = models.CharField(max_length=40)  # annexa.child_unique_id()
    sex = models.CharField(max_length=1)
    ethnicity = models.CharField(max_length=4)
    date_of_birth = models.DateField(null=True)

    class Meta:
        abstract = True


class AnnexAContactRow(_AnnexAChild):
    """Annex A List 1, derived: one row per contact and child it is about (a subject), with the
    contact's day in the council's time zone. Written by insights.annexarows only."""

    contact = models.ForeignKey("frontdoor.Contact", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    source = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "person"],
                                               name="annexa_contact_row_unique")]
        indexes = [models.Index(fields=["day"], name="annexa_contact_day_idx")]


class AnnexAAssessmentRow(_AnnexAChild):
    """Annex A List 2, derived: one row per assessment and child it covers. Written by
    insights.annexarows only."""

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE,
                                   related_name="+")
    started_on = models.DateField()
    completed_on = models.DateField(null=True)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "person"],
                                               name="annexa_assessment_row_unique")]
        indexes = [models.Index(fields=["started_on"], name="annexa_assessment_start_idx")]
