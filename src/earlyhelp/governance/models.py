"""Retention rules and legal holds: how long records are kept, and what may never be disposed of.

Moved from core (issue 18): core is the kernel and holds no foreign key to a domain app. The
tables were created by core's migrations; governance 0001 takes over their rows."""

from django.db import models

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel


class RetentionRecordType(models.TextChoices):
    FAMILY = "family", "A household's early help record (episodes, assessments, plans, notes)"
    CONTACT = "contact", "A request for support that did not lead to early help"


class RetentionBasis(models.TextChoices):
    YOUNGEST_CHILD_AGE = "youngest_child_age", "Until the youngest child reaches an age (years)"
    AFTER_LAST_ACTIVITY = "after_last_activity", "Years after the last activity"


class RetentionRule(BaseModel):
    """How long one type of record is kept before it is due for review. Configuration as data:
    shipped defaults (migration governance 0002) that the council's records manager confirms or
    changes. A rule never deletes anything: `earlyhelp retention_review` lists what is due."""

    record_type = models.CharField(max_length=20, choices=RetentionRecordType.choices, unique=True)
    basis = models.CharField(max_length=30, choices=RetentionBasis.choices)
    years = models.PositiveSmallIntegerField()
    description = text_field(limits.SHORT, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["record_type"]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.get_basis_display()} {self.years}"


class LegalHold(BaseModel):
    """A legal hold: while it stands, the household's or person's records are never due for
    review or disposal, whatever the retention rules say (e.g. litigation, an inquiry)."""

    family = models.ForeignKey(
        "people.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = text_field(limits.SHORT)
    placed_on = models.DateField()
    lifted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family__isnull=False) | models.Q(person__isnull=False),
                name="legalhold_has_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(lifted_on__isnull=True)
                | models.Q(lifted_on__gte=models.F("placed_on")),
                name="legalhold_lifted_after_placed",
            ),
        ]
