"""People, families (households) and dated memberships, identifiers and consent."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import dates, limits
from earlyhelp.core.codes import Disability, Ethnicity, Sex
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Locality

from .identifiers import validate_nhs_number, validate_upn


class Person(BaseModel):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=200, blank=True)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # For an unborn child: the expected date of birth, until the birth is recorded.
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_STATED)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    disabilities = models.JSONField(
        default=list, blank=True, help_text="CIN census disability codes, e.g. ['LD', 'AUT']"
    )
    nhs_number = models.CharField(
        max_length=10, blank=True, validators=[validate_nhs_number], verbose_name="NHS number"
    )
    upn = models.CharField(
        max_length=13, blank=True, validators=[validate_upn], verbose_name="unique pupil number"
    )
    local_id = models.CharField(max_length=40, blank=True, verbose_name="local ID")
    # Sensitive person-level notes (e.g. health) that may be restricted per role.
    sensitive_notes = text_field(limits.TEXT, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            models.Index(fields=["nhs_number"], name="person_nhs_idx"),
            models.Index(fields=["upn"], name="person_upn_idx"),
            models.Index(fields=["local_id"], name="person_local_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(date_of_birth__isnull=False) & Q(expected_date_of_birth__isnull=False)),
                name="person_born_or_expected",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, on: date) -> int | None:
        return dates.age_on(self.date_of_birth, on)

    @property
    def has_disability(self) -> bool:
        return any(code != Disability.NONE for code in self.disabilities or [])


class Family(BaseModel):
    """A household. A child may be a member of two (e.g. parents who live apart)."""

    name = models.CharField(max_length=200, help_text="e.g. the Khan household")
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True, verbose_name="UPRN")
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"
        indexes = [models.Index(fields=["postcode"], name="family_postcode_idx")]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    CHILD = "child", "Child"
    PARENT_CARER = "parent_carer", "Parent or carer"
    OTHER_ADULT = "other_adult", "Other adult"


class Membership(BaseModel):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    relationship = models.CharField(max_length=100, blank=True, help_text="e.g. mother, stepfather")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["family", "role", "start_date"]
        indexes = [
            models.Index(fields=["person", "family"], name="membership_person_idx"),
            models.Index(fields=["family", "end_date"], name="membership_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            )
        ]

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class ConsentKind(models.TextChoices):
    ENGAGE = "engage", "Consent to engage with early help"
    SHARE = "share", "Consent to share information"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Consent(models.Model):
    """One consent decision. Never edited: a change is a new row, so history is kept whole."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    status = models.CharField(max_length=10, choices=ConsentStatus.choices)
    decided_on = models.DateField()
    scope = models.CharField(
        max_length=300, blank=True, help_text="what it covers, e.g. 'school, health visitor, GP'"
    )
    given_by = models.CharField(
        max_length=200, blank=True, help_text="who gave it, e.g. the parent for a young child"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "kind", "recorded_at", "id"]
        # A person's latest decision of a kind (-recorded_at, -id) is one index probe: partners'
        # scopes ask it for every current member of their families (issue 19).
        indexes = [
            models.Index(fields=["person", "kind", "recorded_at", "id"], name="consent_latest_idx")
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Consent history is never rewritten: record a new decision instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent history is never rewritten: record a new decision instead.")


class SharingOverride(models.Model):
    """A recorded safeguarding override: information shared without consent, and why.

    Safeguarding overrides consent (a child-protection concern is always routed); the override
    is recorded – who, why, when – and never edited.
    """

    id = models.BigAutoField(primary_key=True)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="sharing_overrides")
    reason = text_field(limits.SHORT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["family", "recorded_at"]
