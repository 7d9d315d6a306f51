"""Whole-family early help assessments: needs and strengths per member per domain."""

from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Organisation
from earlyhelp.people.models import Person
from earlyhelp.thresholds.models import Level, NeedTheme


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class AssessmentDomain(models.TextChoices):
    """The three sides of the Assessment Framework triangle."""

    DEVELOPMENT = "development", "Child's developmental needs"
    PARENTING = "parenting", "Parenting capacity"
    FAMILY_ENVIRONMENT = "family_environment", "Family and environmental factors"


class Assessment(BaseModel):
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completing_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    voice_of_child = text_field(limits.TEXT, blank=True)
    family_view = text_field(
        limits.TEXT, blank=True, help_text="the family's own view of their needs"
    )
    summary = text_field(limits.TEXT, blank=True)
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.PROTECT)
    # The children this assessment covers (Annex A List 2 has a row for each): by default every
    # child of the household on the start date; separate from the episode's focus children.
    children = models.ManyToManyField(Person, blank=True, related_name="assessments_covering")

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            models.Index(fields=["episode", "status"], name="assessment_episode_idx"),
            models.Index(fields=["started_on"], name="assessment_started_idx"),
            models.Index(fields=["status", "started_on"], name="assessment_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="assessment_completes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", completed_on__isnull=True)
                | Q(status="completed", completed_on__isnull=False),
                name="assessment_completed_has_date",
            ),
        ]

    def __str__(self):
        return f"Assessment started {self.started_on:%d %B %Y}"


class AssessmentEntry(BaseModel):
    """Needs and strengths for one family member in one domain."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=30, choices=AssessmentDomain.choices)
    needs = text_field(limits.TEXT, blank=True)
    strengths = text_field(limits.TEXT, blank=True)

    class Meta:
        ordering = ["assessment", "person", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "person", "domain"], name="assessment_entry_once"
            )
        ]


class PresentingNeed(BaseModel):
    """A need the assessment found, with its score at assessment (the baseline for progress)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="presenting_needs"
    )
    theme = models.ForeignKey(NeedTheme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT)
    cin_factor = models.CharField(max_length=3, choices=AssessmentFactor.choices, blank=True)
    description = text_field(limits.SHORT, blank=True)
    baseline_score = models.PositiveSmallIntegerField(
        help_text="1 (serious concern) to 10 (no concern) at assessment"
    )

    class Meta:
        ordering = ["assessment", "theme__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_score__gte=1, baseline_score__lte=10),
                name="need_baseline_1_to_10",
            )
        ]
        indexes = [models.Index(fields=["theme"], name="need_theme_idx")]

    def __str__(self):
        return self.theme.name
