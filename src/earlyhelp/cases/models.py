"""Early help episodes: lead practitioner, team around the family, step-up/down, closure, notes."""

import datetime as dt
import time

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.codes import CinClosureReason, EpisodeReason
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel, Organisation, Team
from earlyhelp.people.models import Family, Person
from earlyhelp.thresholds.models import Level


class EpisodeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RouteIn(models.TextChoices):
    DIRECT = "direct", "Direct from the front door"
    STEP_DOWN = "step_down", "Stepped down from children's social care"
    UNIVERSAL = "universal", "From a universal setting"


class AssessmentState(models.TextChoices):
    NONE = "none", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ClosureOutcome(models.TextChoices):
    NEEDS_MET = "needs_met", "Needs met – outcomes achieved"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    DISENGAGED = "disengaged", "Consent withdrawn or family disengaged"
    MOVED_AWAY = "moved_away", "Moved out of area"
    OTHER = "other", "Other"


class Episode(BaseModel):
    reference = models.CharField(max_length=20, unique=True)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="episodes")
    focus_children = models.ManyToManyField(Person, related_name="episodes_as_focus")
    status = models.CharField(max_length=10, choices=EpisodeStatus.choices, default="open")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    route_in = models.CharField(max_length=20, choices=RouteIn.choices, default=RouteIn.DIRECT)
    reason = models.CharField(max_length=20, choices=EpisodeReason.choices, default="other")
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="episodes")
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes_led",
    )
    lead_allocated_on = models.DateField(null=True, blank=True)
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_outcome = models.CharField(max_length=20, choices=ClosureOutcome.choices, blank=True)
    closure_summary = text_field(limits.TEXT, blank=True)
    # For a step-down: social care's reference and the CIN closure reason (normally RC9).
    social_care_reference = models.CharField(max_length=40, blank=True)
    cin_closure_reason = models.CharField(
        max_length=3, choices=CinClosureReason.choices, blank=True
    )
    previous_episode = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_episodes"
    )
    # The episode's journey state, kept here by the services that change its reviews, plans
    # and assessments (cases.state; docs/decisions/episode-state-on-the-episode.md), so that
    # worklists read columns rather than a dozen subqueries per episode. Never edited directly.
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    last_review_on = models.DateField(null=True, blank=True, editable=False)
    assessment_state = models.CharField(
        max_length=12, choices=AssessmentState.choices, default=AssessmentState.NONE,
        editable=False,
    )
    assessment_completed_on = models.DateField(null=True, blank=True, editable=False)
    # What the caseload weighting counts per episode (worklists), kept the same way: its
    # current focus children, and the presenting needs its completed assessment(s) found whose
    # theme is one of the caseload weights' complex need codes (cases.state COUNTS).
    focus_children_count = models.PositiveSmallIntegerField(default=0, editable=False)
    complex_needs_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["team", "status"], name="episode_team_idx"),
            models.Index(fields=["lead_practitioner", "status"], name="episode_lead_idx"),
            models.Index(fields=["family", "status"], name="episode_family_idx"),
            models.Index(fields=["status", "start_date"], name="episode_status_idx"),
            models.Index(fields=["end_date"], name="episode_end_idx"),
            models.Index(fields=["status", "next_review_due"], name="episode_review_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="open", end_date__isnull=True, closure_outcome="")
                | Q(status="closed", end_date__isnull=False) & ~Q(closure_outcome=""),
                name="episode_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == EpisodeStatus.OPEN

    @property
    def assessment_done(self) -> bool:
        return self.assessment_state == AssessmentState.COMPLETED

    @property
    def assessment_started(self) -> bool:
        """An assessment in progress (and none completed)."""
        return self.assessment_state == AssessmentState.IN_PROGRESS


class TafMember(BaseModel):
    """A member of the Team Around the Family: a system user or a named practitioner."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="taf_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taf_memberships",
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=200, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "name"]
        indexes = [models.Index(fields=["user", "left_on"], name="taf_user_idx")]


class FocusChild(BaseModel):
    """A child's time as a focus child of an episode: added (dated) and ended (dated) while the
    episode is open. `Episode.focus_children` holds the current ones."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="focus_history")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="focus_child_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["episode", "person"],
                condition=Q(ended_on__isnull=True),
                name="focus_child_current_once",
            ),
        ]


class TransitionKind(models.TextChoices):
    STEP_UP = "step_up", "Stepped up to children's social care"
    STEP_DOWN = "step_down", "Stepped down from children's social care"


class Transition(BaseModel):
    """A recorded step-up or step-down. Never edited or deleted."""

    kind = models.CharField(max_length=10, choices=TransitionKind.choices)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="transitions")
    # The early help episode stepped up (closed) or stepped down into (opened).
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="transitions")
    date = models.DateField()
    reason = text_field(limits.SHORT)
    social_care_reference = models.CharField(max_length=40, blank=True)
    # CIN codes at the boundary: 5D referral source on a step-up, RC9 closure on a step-down.
    cin_code = models.CharField(max_length=3, blank=True)
    # A step-down: the day social care decided to step the family down (`date` is the day the
    # early help episode started, on or after it).
    social_care_decided_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "created_at"]
        indexes = [models.Index(fields=["kind", "date"], name="transition_kind_idx")]


class CaseNote(BaseModel):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="notes")
    written_at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    text = text_field(limits.NOTE)
    is_sensitive = models.BooleanField(
        default=False, help_text="e.g. domestic abuse or health details; restricted per role"
    )
    is_significant = models.BooleanField(
        default=False, help_text="a significant event in the child's life: on the chronology"
    )

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["episode", "written_at"], name="casenote_episode_idx")]


class Timescales(models.Model):
    """The council's journey timescales: one row, edited by an administrator, read by every
    selector, page, worklist and indicator through `Timescales.current()`. The defaults are the
    common English practice DOMAIN.md describes (docs/decisions/journey-timescales.md).

    Read on almost every page, so each process keeps the row for a minute rather than add a
    query to every request: a change shows at once in the process that saved it, within a
    minute in the others."""

    KEEP_SECONDS = 60
    _held: tuple[float, "Timescales"] | None = None

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    assessment_due_days = models.PositiveSmallIntegerField(
        default=45,
        help_text="an early help assessment is due this many days after the episode "
        "starts (and is on time, for the indicator, when completed within them)",
    )
    assessment_due_soon_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="start pages warn of an assessment due within this many days",
    )
    first_review_days = models.PositiveSmallIntegerField(
        default=84,
        help_text="the first review is due this many days after the plan starts "
        "(84 days = 12 weeks)",
    )
    review_interval_days = models.PositiveSmallIntegerField(
        default=56,
        help_text="the next review date a review form suggests (56 days = 8 weeks)",
    )
    review_due_soon_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="start pages warn of a review due within this many days",
    )
    referral_response_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="a referral to a service unanswered longer than this is urgent",
    )
    # The front door's decision is due this many hours after a request arrives, by its RAG
    # rating (an unrated request is held to amber), on the triage clock (EARLYHELP_TRIAGE_CLOCK).
    triage_red_hours = models.PositiveSmallIntegerField(
        default=4, help_text="hours for the front door's decision on a red request"
    )
    triage_amber_hours = models.PositiveSmallIntegerField(
        default=24, help_text="hours for an amber (or not yet rated) request"
    )
    triage_green_hours = models.PositiveSmallIntegerField(
        default=72, help_text="hours for a green request"
    )
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "timescales"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="timescales_one_row")]

    def __str__(self) -> str:
        return "Journey timescales"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget()
        return result

    @classmethod
    def current(cls) -> "Timescales":
        """The saved row, or the defaults while none is saved."""
        now = time.monotonic()
        if cls._held is None or now - cls._held[0] > cls.KEEP_SECONDS:
            Timescales._held = (now, cls.objects.filter(pk=1).first() or cls())
        return cls._held[1]

    def triage_hours(self) -> dict[str, int]:
        return {"red": self.triage_red_hours, "amber": self.triage_amber_hours,
                "green": self.triage_green_hours}

    @classmethod
    def forget(cls) -> None:
        """Read the row again next time (after a change, and between tests)."""
        Timescales._held = None

    def assessment_due(self, start_date: dt.date) -> dt.date:
        return start_date + dt.timedelta(days=self.assessment_due_days)

    def first_review_due(self, plan_started: dt.date) -> dt.date:
        return plan_started + dt.timedelta(days=self.first_review_days)
