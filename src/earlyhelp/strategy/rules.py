"""Named rules of the strategy layer: agreement between partners, targets, and the plan's RAG."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# An item due within this many days and not done is amber.
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Agreement:
    """How far partners' ratings of one element are apart, in levels."""

    lowest: int | None
    highest: int | None
    count: int

    @property
    def spread(self) -> int | None:
        return None if self.count == 0 else self.highest - self.lowest

    @property
    def label(self) -> str:
        """Agree: every partner gave the same level. Close: one level apart. Disagree: more."""
        if self.count == 0:
            return "No ratings yet"
        if self.count == 1:
            return "One rating"
        return {0: "Agree", 1: "Close"}.get(self.spread, "Disagree")


def agreement(ranks: list[int]) -> Agreement:
    if not ranks:
        return Agreement(None, None, 0)
    return Agreement(min(ranks), max(ranks), len(ranks))


def below_target(consensus_rank: int, target_rank: int) -> bool:
    """A consensus below the round's target level puts the element on the action plan."""
    return consensus_rank < target_rank


def every_element_agreed(round_) -> bool:
    """A round closes once the chair has recorded a consensus for every element (the journey's
    guard on closing; the refusal says how many are missing)."""
    from earlyhelp.core.errors import IllegalMove

    from .models import Element

    elements = Element.objects.filter(dimension__framework_id=round_.framework_id).count()
    agreed = round_.consensus.count()
    if agreed < elements:
        raise IllegalMove(
            f"Record a consensus rating for every element before closing: {elements - agreed} "
            f"of {elements} still have none."
        )
    return True


RED, AMBER, GREEN, DONE = "red", "amber", "green", "done"
RAG_BY_DATE = (RED, AMBER, GREEN, DONE)
RAG_BY_INDICATOR = (RED, GREEN)


def rag_by_date(*, due_on: dt.date, is_done: bool, today: dt.date) -> str:
    """Done items are done; past their date, red; due within DUE_SOON_DAYS, amber; else green."""
    if is_done:
        return DONE
    if due_on < today:
        return RED
    if (due_on - today).days <= DUE_SOON_DAYS:
        return AMBER
    return GREEN


def rag_by_indicator(
    *, value: Decimal | float | None, target: Decimal | None, higher_is_better: bool
) -> str | None:
    """Green when the indicator has reached the item's target, red otherwise; None without a
    value (the indicator has no figure for the period) or without a target."""
    if value is None or target is None:
        return None
    reached = Decimal(str(value)) >= target if higher_is_better else Decimal(str(value)) <= target
    return GREEN if reached else RED


# Workforce readiness


def expires_on(completed_on: dt.date, validity_months: int | None) -> dt.date | None:
    """The last day a completion counts; None when the course never expires."""
    if validity_months is None:
        return None
    from earlyhelp.core.dates import months_after

    return months_after(completed_on, validity_months) - dt.timedelta(days=1)


def is_valid(completed_on: dt.date, validity_months: int | None, on: dt.date) -> bool:
    """Valid from the day it was completed to the day before the validity runs out."""
    end = expires_on(completed_on, validity_months)
    return completed_on <= on and (end is None or on <= end)


def lead_missing_courses(user, on: dt.date) -> list[str]:
    """The courses a lead practitioner must hold that `user` holds no valid completion of."""
    from .models import Completion, Course

    required = list(Course.objects.filter(required_for_lead=True))
    if not required:
        return []
    held = {
        c.course_id
        for c in Completion.objects.filter(user=user, course__in=required).select_related("course")
        if is_valid(c.completed_on, c.course.validity_months, on)
    }
    return [course.name for course in required if course.pk not in held]


def lead_training_refuses() -> bool:
    """EARLYHELP_LEAD_TRAINING = "warn" (default: allocate and warn) or "refuse"."""
    from django.conf import settings

    return getattr(settings, "EARLYHELP_LEAD_TRAINING", "warn") == "refuse"


def lead_training_message(user, missing: list[str]) -> str:
    return (
        f"{user.display_name} has no valid {', '.join(missing)} "
        f"{'course' if len(missing) == 1 else 'courses'}, which a lead practitioner needs."
    )


# Quality audits

GOOD_OR_BETTER = frozenset({"outstanding", "good"})
# A grade below good needs the auditor's comment: the worker must learn what to change.
NEEDS_COMMENT = frozenset({"requires_improvement", "inadequate"})
PER_TEAM_MAX = 50


def stratified_sample(strata: dict[str, list[str]], *, per_team: int, seed: int
                      ) -> dict[str, list[str]]:
    """Draw up to `per_team` keys from each team's keys. Each team draws from its own generator
    seeded with the programme's seed and the team's key, over its keys in sorted order – so the
    same seed and the same records draw the same sample, whatever order the database returns
    them in, and one team's records do not change another team's draw."""
    import random

    drawn = {}
    for team in sorted(strata):
        keys = sorted(strata[team])
        generator = random.Random(f"{seed}:{team}")
        drawn[team] = sorted(generator.sample(keys, min(per_team, len(keys))))
    return drawn


def auditor_conflict(auditor, *, lead_ids, team_id, team_service_id) -> str | None:
    """Why `auditor` may not audit a case, or None. Nobody audits their own work (the case's
    lead practitioner, now or when it was drawn) nor a case of a team they manage (the team's
    manager, or a manager of its service)."""
    if auditor.pk in {i for i in lead_ids if i is not None}:
        return f"{auditor.display_name} is the case's lead practitioner"
    if auditor.role == "manager" and auditor.team_id:
        if auditor.team_id == team_id:
            return f"{auditor.display_name} manages the case's team"
        service_id = auditor.team.service_id
        if service_id is not None and service_id == team_service_id:
            return f"{auditor.display_name} manages the case's service"
    return None


def assign_auditors(items: list[tuple[str, set]], auditors: list) -> dict[str, object]:
    """Share the sample among the auditors: each item goes to the eligible auditor (id not in
    the item's set of forbidden ids) with the fewest so far, the first listed on a tie.
    An item nobody may audit raises ValueError with its key."""
    load = {a: 0 for a in auditors}
    chosen = {}
    for key, forbidden in items:
        eligible = [a for a in auditors if a not in forbidden]
        if not eligible:
            raise ValueError(key)
        pick = min(eligible, key=lambda a: load[a])
        load[pick] += 1
        chosen[key] = pick
    return chosen


@dataclass(frozen=True)
class Share:
    """How many of the grades were good or better."""

    good: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.good / self.total, 1) if self.total else None


def share_good_or_better(grades) -> Share:
    grades = [g for g in grades if g]
    return Share(sum(1 for g in grades if g in GOOD_OR_BETTER), len(grades))


def applies(applies_to: str, kind: str) -> bool:
    return applies_to in ("both", kind)
