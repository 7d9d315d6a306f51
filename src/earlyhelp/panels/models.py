"""Panels (multi-agency group, early help forum, early years allocation panel): members,
meetings, cases brought to them, the decisions recorded and the unmet need they see."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Locality


class PanelKind(models.TextChoices):
    MULTI_AGENCY_GROUP = "multi_agency_group", "Multi-agency group"
    EARLY_HELP_FORUM = "early_help_forum", "Early help forum"
    EARLY_YEARS_ALLOCATION = "early_years_allocation", "Early years allocation panel"
    OTHER = "other", "Other panel"


class Panel(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=PanelKind.choices)
    description = text_field(limits.SHORT, blank=True)
    # Blank: the whole borough. Stuck cases go to the panel for the family's locality first.
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)
    # Which children it is for, in years (e.g. 0–5 for an early years panel); blank: any age.
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    takes_stuck_cases = models.BooleanField(
        default=True, help_text="stuck cases are brought to its next meeting automatically"
    )
    is_active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PanelMember",
        through_fields=("panel", "user"),
        related_name="panels",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"


class PanelMember(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    role = models.CharField(max_length=10, choices=PanelRole.choices, default=PanelRole.MEMBER)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "role", "joined_on"]
        indexes = [models.Index(fields=["user", "left_on"], name="panel_member_user_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=Q(left_on__isnull=True),
                name="panel_member_once",
            )
        ]


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    notes = text_field(limits.NOTE, blank=True)

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["panel", "status", "date"], name="meeting_next_idx")]

    def __str__(self):
        return f"{self.panel.name}, {self.date.day} {self.date:%B %Y}"


class StuckReason(models.TextChoices):
    """The named stuck-case rules (panels/rules.py), plus a case brought by hand."""

    NO_PROGRESS = "no_progress", "No progress across the last two reviews"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    NO_LEAD = "no_lead", "No lead practitioner"
    REFERRAL_DECLINED = "referral_declined", "A referral to a service was declined"
    BROUGHT_BY_HAND = "by_hand", "Brought by a practitioner"


class PanelCaseStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting discussion"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PanelCase(BaseModel):
    """An episode brought to a panel: an agenda item of a meeting (or awaiting one)."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda"
    )
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, related_name="panel_cases"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(default=list, help_text="StuckReason codes")
    detail = text_field(limits.TEXT, blank=True, help_text="why it is brought, in words")
    automatic = models.BooleanField(default=False)
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brought_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=PanelCaseStatus.choices, default=PanelCaseStatus.AWAITING
    )

    class Meta:
        ordering = ["brought_on", "created_at"]
        indexes = [
            models.Index(fields=["panel", "status"], name="panelcase_panel_idx"),
            models.Index(fields=["meeting", "status"], name="panelcase_meeting_idx"),
            models.Index(fields=["family", "status"], name="panelcase_family_idx"),
        ]
        constraints = [
            # No duplicates: an episode waits on at most one agenda at a time.
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(status="awaiting"),
                name="panelcase_one_awaiting_per_episode",
            )
        ]

    def reason_labels(self) -> list[str]:
        labels = dict(StuckReason.choices)
        return [labels.get(code, code) for code in self.reasons]


class DecisionKind(models.TextChoices):
    ALLOCATE_LEAD = "allocate_lead", "Allocate a lead practitioner"
    ADD_SERVICE = "add_service", "Add a service"
    STEP_UP = "step_up", "Step up to children's social care"
    CLOSE = "close", "Close the episode"
    CONTINUE = "continue", "Continue with the current plan"


class PanelDecision(BaseModel):
    """What the panel decided for a case; the change itself is made by the journey services."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, related_name="panel_decisions"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    rationale = text_field(limits.SHORT)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.ForeignKey(
        "directory.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["decided_on", "created_at"]
        indexes = [models.Index(fields=["episode", "decided_on"], name="decision_episode_idx")]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class PanelAction(BaseModel):
    """A follow-up the panel asked of someone (e.g. 'find a school nurse to lead')."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="actions")
    description = text_field(limits.SHORT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="panelaction_owner_idx")
        ]


class UnmetNeed(BaseModel):
    """A gap in the offer seen in panel discussion, for commissioners. Never personal data."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="unmet_needs")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="unmet_needs"
    )
    panel_case = models.ForeignKey(
        PanelCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="unmet_needs"
    )
    theme = models.ForeignKey(
        "thresholds.NeedTheme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.PROTECT)
    age_group = models.CharField(
        max_length=10,
        blank=True,
        choices=[
            ("0-4", "0 to 4"),
            ("5-10", "5 to 10"),
            ("11-15", "11 to 15"),
            ("16-18", "16 to 18"),
            ("19-25", "19 to 25"),
            ("adult", "Adult"),
        ],
    )
    description = text_field(
        limits.SHORT, help_text="the gap, without names or identifying detail"
    )
    families_affected = models.PositiveIntegerField(default=1)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "created_at"]
        indexes = [models.Index(fields=["recorded_on"], name="unmetneed_recorded_idx")]
