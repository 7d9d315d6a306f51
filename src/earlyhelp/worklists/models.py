"""Caseload weighting as data: the weights a manager reads on the team page and an administrator
edits, and each worker's capacity (docs/decisions/worklists-caseload-weighting.md)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


def weight_field(default: str, help_text: str):
    return models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal(default), help_text=help_text
    )


def default_complex_codes() -> list[str]:
    # Domestic abuse, substance misuse, mental health, child exploitation: the needs themes
    # (thresholds reference codes) whose work is the most intensive.
    return ["dv", "substance", "mh", "cse"]


class CaseloadWeights(models.Model):
    """One row (the defaults while none is saved): what an open episode weighs."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    universal = weight_field("0.50", "an episode at a universal level of need")
    early_help = weight_field("1.00", "an episode at an early help level (the unit)")
    targeted = weight_field("1.50", "an episode at a targeted (intensive) level")
    statutory = weight_field("2.00", "an episode at a statutory level (stepping up)")
    no_level = weight_field("1.00", "an episode with no level recorded")
    each_extra_child = weight_field("0.25", "added for each focus child after the first")
    assessment_stage = weight_field(
        "0.50", "added while the early help assessment is not completed (assessment due)"
    )
    complex_need = weight_field(
        "0.50", "added for each complex need the completed assessment found"
    )
    complex_need_codes = models.JSONField(
        default=default_complex_codes,
        blank=True,
        help_text="needs theme codes counted as complex, e.g. dv, substance, mh, cse",
    )
    default_capacity = weight_field(
        "18.00", "the weighted load a full-time worker carries when no capacity is set"
    )
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "caseload weights"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="caseload_weights_one_row")]

    def __str__(self) -> str:
        return "Caseload weights"

    @classmethod
    def current(cls) -> "CaseloadWeights":
        """The saved row, or the defaults while none is saved."""
        return cls.objects.filter(pk=1).first() or cls()

    def level_weights(self) -> dict[str, Decimal]:
        return {
            "universal": self.universal,
            "early_help": self.early_help,
            "targeted": self.targeted,
            "statutory": self.statutory,
        }


class WorkerCapacity(models.Model):
    """A worker's own capacity in weighted units, e.g. a part-time worker's or a newly
    qualified worker's protected caseload."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="caseload_capacity",
    )
    capacity = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=200, blank=True, help_text="why, e.g. 0.6 FTE")
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "worker capacities"
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="worker_capacity_positive")
        ]

    def __str__(self) -> str:
        return f"Capacity {self.capacity}"
