"""Named business rules for panels: when a case is stuck, and what a panel may do.

Stuck-case rules (each returns the ids of open episodes it finds stuck on `today`):

- NoProgressAcrossTwoReviews – the last two reviews each showed no progress: no need scored
  higher than its previous score (the review before, or the baseline at assessment).
- ReviewsOverdue – the date the latest review set for the next one has passed.
- NoLeadPractitioner – no lead practitioner, and the episode started more than N days ago
  (settings.EARLYHELP_PANELS_NO_LEAD_DAYS, default 14 calendar days ≈ 10 working days).
- ReferralDeclined – a referral to a service was declined since the case was last brought to a
  panel (or ever, if it never was).
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove

from .models import MeetingStatus, PanelCase, PanelCaseStatus, StuckReason

DEFAULT_NO_LEAD_DAYS = 14
# A case the panel decided on is not brought back automatically for this long.
DEFAULT_RECONSIDER_DAYS = 28


def no_lead_days() -> int:
    return getattr(settings, "EARLYHELP_PANELS_NO_LEAD_DAYS", DEFAULT_NO_LEAD_DAYS)


def reconsider_days() -> int:
    return getattr(settings, "EARLYHELP_PANELS_RECONSIDER_DAYS", DEFAULT_RECONSIDER_DAYS)


def _open_episodes(episodes=None):
    from earlyhelp.cases.models import Episode, EpisodeStatus

    base = Episode.objects.all() if episodes is None else episodes
    return base.filter(status=EpisodeStatus.OPEN)


def no_progress_between(reviews: list[dict], baselines: dict) -> bool:
    """The rule itself, on plain data: `reviews` oldest first, each {need_id: score};
    `baselines` {need_id: score at assessment}. Stuck when there are at least two reviews and
    neither of the last two shows any need scoring higher than its previous score."""
    if len(reviews) < 2:
        return False

    def progressed(index: int) -> bool:
        for need, score in reviews[index].items():
            previous = baselines.get(need)
            for earlier in reversed(reviews[:index]):
                if need in earlier:
                    previous = earlier[need]
                    break
            if previous is not None and score > previous:
                return True
        return False

    count = len(reviews)
    return not progressed(count - 1) and not progressed(count - 2)


class NoProgressAcrossTwoReviews:
    """No progress across the last two reviews (see no_progress_between)."""

    code = StuckReason.NO_PROGRESS

    def episode_ids(self, today: dt.date, episodes=None) -> set:
        from earlyhelp.assessments.models import PresentingNeed
        from earlyhelp.plans.models import ProgressScore, Review

        candidates = list(
            _open_episodes(episodes)
            .annotate(review_count=Count("reviews"))
            .filter(review_count__gte=2)
            .values_list("id", flat=True)
        )
        if not candidates:
            return set()
        reviews = defaultdict(list)  # episode -> [(held_on, created_at, review_id)]
        for review_id, episode_id, held_on, created in Review.objects.filter(
            episode_id__in=candidates, held_on__lte=today
        ).values_list("id", "episode_id", "held_on", "created_at"):
            reviews[episode_id].append((held_on, created, review_id))
        scores = defaultdict(dict)
        for review_id, need_id, score in ProgressScore.objects.filter(
            review__episode_id__in=candidates
        ).values_list("review_id", "need_id", "score"):
            scores[review_id][need_id] = score
        baselines = defaultdict(dict)
        for episode_id, need_id, score in PresentingNeed.objects.filter(
            assessment__episode_id__in=candidates
        ).values_list("assessment__episode_id", "id", "baseline_score"):
            baselines[episode_id][need_id] = score
        stuck = set()
        for episode_id, rows in reviews.items():
            ordered = [scores.get(review_id, {}) for _, _, review_id in sorted(rows)]
            if no_progress_between(ordered, baselines[episode_id]):
                stuck.add(episode_id)
        return stuck


class ReviewsOverdue:
    """The latest review set a date for the next one, and that date has passed."""

    code = StuckReason.REVIEW_OVERDUE

    def episode_ids(self, today: dt.date, episodes=None) -> set:
        from earlyhelp.plans.models import Review

        latest_due = Subquery(
            Review.objects.filter(episode=OuterRef("pk"))
            .order_by("-held_on", "-created_at")
            .values("next_review_due")[:1]
        )
        return set(
            _open_episodes(episodes)
            .annotate(next_due=latest_due)
            .filter(next_due__lt=today)
            .values_list("id", flat=True)
        )


class NoLeadPractitioner:
    """No lead practitioner, and the episode started more than N days ago."""

    code = StuckReason.NO_LEAD

    def __init__(self, days: int | None = None):
        self.days = no_lead_days() if days is None else days

    def episode_ids(self, today: dt.date, episodes=None) -> set:
        return set(
            _open_episodes(episodes)
            .filter(
                lead_practitioner__isnull=True, start_date__lt=today - dt.timedelta(days=self.days)
            )
            .values_list("id", flat=True)
        )


class ReferralDeclined:
    """A referral was declined since the case was last brought to a panel (or ever)."""

    code = StuckReason.REFERRAL_DECLINED

    def episode_ids(self, today: dt.date, episodes=None) -> set:
        from earlyhelp.directory.models import Referral, ReferralStatus

        open_ids = _open_episodes(episodes).values("id")
        declined = (
            Referral.objects.filter(episode_id__in=open_ids, status=ReferralStatus.DECLINED)
            .values("episode_id")
            .annotate(last_declined=Max("responded_at"))
        )
        last_brought = dict(
            PanelCase.objects.filter(episode_id__in=[d["episode_id"] for d in declined])
            .values("episode_id")
            .annotate(last=Max("created_at"))
            .values_list("episode_id", "last")
        )
        return {
            row["episode_id"]
            for row in declined
            if row["last_declined"] is not None
            and (
                row["episode_id"] not in last_brought
                or row["last_declined"] > last_brought[row["episode_id"]]
            )
        }


STUCK_RULES = (NoProgressAcrossTwoReviews, ReviewsOverdue, NoLeadPractitioner, ReferralDeclined)


def stuck_episodes(today: dt.date, episodes=None) -> dict:
    """{episode_id: [reason codes]} for every open episode at least one rule finds stuck."""
    found = defaultdict(list)
    for rule_class in STUCK_RULES:
        rule = rule_class()
        for episode_id in rule.episode_ids(today, episodes):
            found[episode_id].append(str(rule.code))
    return dict(found)


# Panel rules ----------------------------------------------------------------------------------


def not_already_on_an_agenda(episode) -> None:
    """An episode waits on at most one panel agenda at a time (no duplicates)."""
    existing = (
        PanelCase.objects.filter(episode=episode, status=PanelCaseStatus.AWAITING)
        .select_related("panel")
        .first()
    )
    if existing is not None:
        raise IllegalMove(
            f"{episode.reference} is already waiting to be discussed at {existing.panel.name}.",
            code="already_on_agenda",
        )


def episode_is_open(episode) -> None:
    """Only an open episode can be brought to a panel."""
    if not episode.is_open:
        raise IllegalMove("Only an open episode can be brought to a panel.", code="episode_closed")


def is_panel_member(user, panel, on: dt.date) -> bool:
    return panel.memberships.filter(user=user, joined_on__lte=on, left_on__isnull=True).exists()


def may_act_for_panel(user, panel, on: dt.date) -> bool:
    """The panel's current members – and team managers, who oversee panels – act for it."""
    from earlyhelp.core.models import Role

    return user.role == Role.MANAGER or is_panel_member(user, panel, on)


def require_panel_member(user, panel, on: dt.date, action: str) -> None:
    """Only the panel's current members (or a team manager) record what it decides."""
    if not may_act_for_panel(user, panel, on):
        raise PermissionDenied(f"Only members of {panel.name} can {action}.")


def meeting_takes_agenda(meeting, panel, today: dt.date) -> None:
    """Cases go onto a scheduled meeting of the same panel, today or later."""
    if meeting.panel_id != panel.pk:
        raise IllegalMove(f"That meeting is not a meeting of {panel.name}.")
    if meeting.status != MeetingStatus.SCHEDULED or meeting.date < today:
        raise IllegalMove(
            "Cases can only be added to a scheduled meeting that has not yet happened.",
            code="meeting_past",
        )


def meeting_date_reached(meeting) -> bool:
    """A meeting is marked as held on or after its date, never before."""
    return meeting.date <= dates.today()


def unmet_need_is_anonymous(description: str, family=None) -> None:
    """Unmet need goes to commissioners: it must not name or identify the family."""
    import re

    from django.core.exceptions import ValidationError

    text = description or ""
    if re.search(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", text, re.IGNORECASE):
        raise ValidationError(
            {"description": "Remove the postcode: the unmet need report must not identify a family"}
        )
    if re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", text):
        raise ValidationError(
            {"description": "Remove the date: the unmet need report must not identify a family"}
        )
    if family is not None:
        words = {w.lower() for w in re.findall(r"[\w'-]+", text)}
        names = set()
        for membership in family.memberships.select_related("person"):
            for name in (membership.person.given_name, membership.person.family_name):
                if len(name) >= 3:
                    names.add(name.lower())
        found = sorted(names & words)
        if found:
            raise ValidationError(
                {
                    "description": "Remove the names ("
                    + ", ".join(n.title() for n in found)
                    + "): the unmet need report must not identify a family"
                }
            )
