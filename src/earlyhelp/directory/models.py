"""The service directory (shaped on Open Referral UK) and referrals of family members to services.

Open Referral UK calls the provider an "organization"; here it is a core Organisation, so a
partner user of that organisation is the provider who answers referrals.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Locality, Organisation


class ProviderKind(models.TextChoices):
    COUNCIL = "council", "Council service"
    COMMISSIONED = "commissioned", "Commissioned service"
    PARTNER = "partner", "Partner agency"
    VOLUNTARY = "voluntary", "Voluntary and community sector"


class ServiceStatus(models.TextChoices):
    """Open Referral UK service status values."""

    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class AttendingType(models.TextChoices):
    """Open Referral UK attending_type values."""

    VENUE = "venue", "At a venue"
    HOME_VISIT = "home visit", "Home visits"
    PHONE = "phone", "By phone"
    ONLINE = "online", "Online"


class AttendingAccess(models.TextChoices):
    """Open Referral UK attending_access values."""

    REFERRAL = "referral", "By referral"
    APPOINTMENT = "appointment", "By appointment"
    DROP_IN = "drop-in", "Drop in"
    MEMBERSHIP = "membership", "Membership"


class LevelBand(models.TextChoices):
    """Levels of need, as the band every threshold model maps to (thresholds.Level.band)."""

    UNIVERSAL = "universal", "Universal"
    EARLY_HELP = "early_help", "Early help"
    TARGETED = "targeted", "Targeted"
    STATUTORY = "statutory", "Statutory"


class EvidenceRating(models.IntegerChoices):
    """The Early Intervention Foundation guidebook's evidence ratings (now Foundations)."""

    LEVEL_1 = 1, "Level 1 – logic model"
    LEVEL_2 = 2, "Level 2 – preliminary evidence"
    LEVEL_3 = 3, "Level 3 – evidence of efficacy"
    LEVEL_4 = 4, "Level 4 – evidence of effectiveness"


class Taxonomy(BaseModel):
    """A term from a published vocabulary (e.g. esd.org.uk service types), kept on import so an
    export gives back what came in."""

    term_id = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    vocabulary = models.CharField(max_length=200, blank=True)
    parent_term_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["vocabulary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "term_id"], name="directory_taxonomy_unique_term"
            )
        ]
        verbose_name_plural = "taxonomies"

    def __str__(self):
        return self.name


class Location(BaseModel):
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(BaseModel):
    name = models.CharField(max_length=200)
    description = text_field(limits.SHORT, blank=True)
    url = models.URLField(blank=True, verbose_name="website")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="directory_services",
        help_text="who provides it",
    )
    provider_kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    # For a council service: the team that runs it answers its referrals.
    provider_team = models.ForeignKey(
        "core.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_services",
    )
    themes = models.ManyToManyField(
        "thresholds.NeedTheme",
        blank=True,
        related_name="services",
        help_text="the needs themes it addresses",
    )
    # Some services do harm where a need is present: mediation or joint couples work where there
    # is domestic abuse puts the victim in the room with the abuser. Suggestions leave them out.
    unsafe_with = models.ManyToManyField(
        "thresholds.NeedTheme",
        blank=True,
        related_name="unsafe_services",
        verbose_name="not safe where the family has",
        help_text="needs themes for which this service must not be suggested",
    )
    minimum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)], help_text="in years"
    )
    maximum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)], help_text="in years"
    )
    # No localities and borough_wide: the service is for the whole borough.
    borough_wide = models.BooleanField(default=True)
    localities = models.ManyToManyField(Locality, blank=True, related_name="directory_services")
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", blank=True, related_name="services"
    )
    taxonomies = models.ManyToManyField(Taxonomy, blank=True, related_name="services")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="families or people it can work with at once"
    )
    # What the provider says; waiting_days is recomputed from referrals (see rules).
    declared_waiting_days = models.PositiveIntegerField(null=True, blank=True)
    waiting_days = models.PositiveIntegerField(null=True, blank=True)
    places_in_use = models.PositiveIntegerField(default=0)
    cost_per_family = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="what one family's intervention costs the partnership, in pounds",
    )
    fees = models.CharField(max_length=300, blank=True, help_text="what a family pays, e.g. 'Free'")
    evidence_rating = models.PositiveSmallIntegerField(
        choices=EvidenceRating.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    evidence_note = models.CharField(max_length=300, blank=True)
    attending_type = models.CharField(max_length=20, choices=AttendingType.choices, blank=True)
    attending_access = models.CharField(max_length=20, choices=AttendingAccess.choices, blank=True)
    accepts_referrals = models.BooleanField(
        default=True, help_text="families can be referred through earlyhelp"
    )
    eligibility_description = text_field(limits.SHORT, blank=True)
    eligibilities = models.JSONField(
        default=list, blank=True, help_text="Open Referral UK eligibility terms, e.g. ['family']"
    )
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    accreditations = text_field(limits.SHORT, blank=True)
    assured_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="service_status_idx"),
            models.Index(fields=["organisation", "status"], name="service_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(maximum_age__gte=models.F("minimum_age")),
                name="service_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(evidence_rating__isnull=True)
                | Q(evidence_rating__gte=1, evidence_rating__lte=4),
                name="service_evidence_1_to_4",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.maximum_age < self.minimum_age
        ):
            raise ValidationError(
                {"maximum_age": "The maximum age must be the same as or more than the minimum age"}
            )

    @property
    def is_public(self) -> bool:
        return self.status == ServiceStatus.ACTIVE

    @property
    def places_free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_in_use, 0)

    @property
    def level_labels(self) -> list[str]:
        """The levels it serves, lowest first (uses prefetched levels)."""
        order = {band: i for i, band in enumerate(LevelBand.values)}
        levels = sorted(self.levels.all(), key=lambda lv: order.get(lv.band, 99))
        return [lv.get_band_display() for lv in levels]

    @property
    def age_range(self) -> str:
        low, high = self.minimum_age, self.maximum_age
        if low is None and high is None:
            return "All ages"
        if low is None:
            return f"Up to {high}"
        if high is None:
            return f"{low} and over"
        return f"{low} to {high}"


class ServiceLevel(models.Model):
    """A level of need a service serves (a band, so it holds whichever threshold model is used)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="levels")
    band = models.CharField(max_length=20, choices=LevelBand.choices)

    class Meta:
        ordering = ["service", "band"]
        constraints = [
            models.UniqueConstraint(fields=["service", "band"], name="service_level_once")
        ]
        indexes = [models.Index(fields=["band", "service"], name="service_level_band_idx")]


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]


class ServiceContact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]


class Schedule(models.Model):
    """When a service runs (Open Referral UK regular_schedule: RFC 5545 recurrence parts)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    description = models.CharField(max_length=300, blank=True)
    freq = models.CharField(
        max_length=10, blank=True, choices=[("WEEKLY", "Weekly"), ("MONTHLY", "Monthly")]
    )
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=40, blank=True, help_text="e.g. MO,WE,FR")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)


class CostOption(models.Model):
    """What it costs the family (Open Referral UK cost_option)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)


# Referrals ------------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    STARTED = "started", "Started"
    FINISHED = "finished", "Finished"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.STARTED)


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "Not eligible for the service"
    NO_CAPACITY = "no_capacity", "No capacity"
    NEEDS_TOO_HIGH = "needs_too_high", "Needs are too high for this service"
    NEEDS_TOO_LOW = "needs_too_low", "Needs can be met by a universal service"
    FAMILY_DECLINED = "family_declined", "The family declined the service"
    NO_CONTACT = "no_contact", "Could not contact the family"
    OTHER = "other", "Other"


class FinishOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed the service"
    DISENGAGED = "disengaged", "The family stopped attending"
    REFERRED_ON = "referred_on", "Referred on to another service"
    OTHER = "other", "Other"


class Referral(BaseModel):
    """A family member (or the whole family) referred to a directory service."""

    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="referrals")
    # Held here so scope checks and provider lists need no join through the episode.
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="blank: the whole family",
    )
    plan_action = models.ForeignKey(
        "plans.PlanAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    themes = models.ManyToManyField("thresholds.NeedTheme", blank=True, related_name="+")
    reason = text_field(limits.SHORT, help_text="what the family needs from the service")
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    status_note = text_field(
        limits.SHORT, blank=True, help_text="the reason for the latest change"
    )
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    finish_outcome = models.CharField(max_length=20, choices=FinishOutcome.choices, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["service", "status"], name="referral_service_idx"),
            models.Index(fields=["episode", "status"], name="referral_episode_idx"),
            models.Index(fields=["family", "status"], name="referral_family_idx"),
            models.Index(fields=["status", "sent_at"], name="referral_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(finished_on__gte=models.F("started_on")),
                name="referral_finishes_after_start",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralEvent(models.Model):
    """Each status change of a referral, for the timeline both sides see. Never edited."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    note = text_field(limits.SHORT, blank=True)

    class Meta:
        ordering = ["at", "id"]
