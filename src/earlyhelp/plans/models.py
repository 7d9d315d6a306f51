"""Plans (outcomes and actions), reviews and progress scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from earlyhelp.core import limits
from earlyhelp.core.codes import Rater
from earlyhelp.core.limits import text_field
from earlyhelp.core.models import BaseModel


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Plan(BaseModel):
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default="active")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        # The active plan's start (status, -started_on) per episode, read from the index.
        indexes = [
            models.Index(fields=["episode", "status", "started_on"], name="plan_started_idx")
        ]


class PlanOutcome(BaseModel):
    """What the family wants to be different, in their words, linked to a presenting need."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    need = models.ForeignKey(
        "assessments.PresentingNeed", null=True, blank=True, on_delete=models.PROTECT
    )
    text = text_field(limits.SHORT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "created_at"]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PlanAction(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        PlanOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = text_field(limits.SHORT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(
        max_length=200, help_text="who will do it: a practitioner or a family member"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_idx"),
            # The open actions only (a few thousand of a borough's ~100,000), with their plan:
            # the team page counts those past due per episode from it alone, index-only,
            # instead of probing every active plan's actions (worklists.open_episodes_by_lead).
            models.Index(fields=["plan", "due_date"], condition=Q(status="open"),
                         name="action_open_due_idx"),
        ]


class Review(BaseModel):
    """A Team Around the Family review meeting."""

    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = text_field(limits.SHORT, help_text="who attended, one per line")
    summary = text_field(limits.TEXT, blank=True)
    family_view = text_field(limits.TEXT, blank=True)
    next_review_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["held_on", "created_at"]
        # The latest review of an episode (-held_on, -created_at) read from the index alone:
        # every start page and caseload asks it per open episode (issue 19).
        indexes = [
            models.Index(fields=["episode", "held_on", "created_at"], name="review_latest_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True) | Q(next_review_due__gt=models.F("held_on")),
                name="review_next_after_held",
            )
        ]


class ProgressScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    need = models.ForeignKey(
        "assessments.PresentingNeed", on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10), name="score_1_to_10"),
            models.UniqueConstraint(fields=["review", "need"], name="score_once_per_need"),
        ]



class FamilyView(BaseModel):
    """The family's own view at a review (review set) or at closure (review empty): who gave it,
    in their own words what has changed, a rating per need and, at closure, how satisfied they
    are. `declined`: the family did not want to say (nothing else is recorded)."""

    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, related_name="family_views"
    )
    review = models.OneToOneField(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="family"
    )
    rater = models.CharField(max_length=20, choices=Rater.choices, blank=True)
    declined = models.BooleanField(default=False)
    words = text_field(limits.TEXT, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(review__isnull=True), name="one_closing_view"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5, review__isnull=True),
                name="satisfaction_1_to_5_at_closure",
            ),
            models.CheckConstraint(
                condition=Q(declined=True) | ~Q(rater=""), name="family_view_has_rater"
            ),
        ]


class FamilyRating(models.Model):
    """The family's rating of one need on the practitioner's scale (1 serious concern, 10 none)."""

    view = models.ForeignKey(FamilyView, on_delete=models.CASCADE, related_name="ratings")
    need = models.ForeignKey(
        "assessments.PresentingNeed", on_delete=models.PROTECT, related_name="family_ratings"
    )
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10),
                                   name="family_score_1_to_10"),
            models.UniqueConstraint(fields=["view", "need"], name="family_rating_once_per_need"),
        ]


class ClosingScore(models.Model):
    """The practitioner's distance travelled on one need at closure: the baseline and the last
    review's score as they stood that day, and the closing score."""

    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, related_name="closing_scores"
    )
    need = models.ForeignKey(
        "assessments.PresentingNeed", on_delete=models.PROTECT, related_name="closing_scores"
    )
    baseline = models.PositiveSmallIntegerField()
    last_score = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=10),
                                   name="closing_score_1_to_10"),
            models.UniqueConstraint(fields=["episode", "need"], name="closing_score_once_per_need"),
        ]
