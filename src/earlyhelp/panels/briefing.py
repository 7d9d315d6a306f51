"""What a panel decides from: the case's needs and their progress, the assessment, the plan, and
the family's earlier panel cases – read for a case the user already may see.

A panel is a multi-agency meeting, so not every member may read everything: a need's
description follows the sensitive-field rule (access.sensitive) like the assessment page does;
theme names, scores and dates are what the panel works from and are shown to every member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from earlyhelp.access.sensitive import (
    NEED_DESCRIPTION,
    may_see,
    need_is_sensitive,
    restricted_theme_ids,
)
from earlyhelp.assessments.models import Assessment, PresentingNeed
from earlyhelp.assessments.selectors import latest_assessment
from earlyhelp.core import dates
from earlyhelp.plans.models import ActionStatus, Plan, Review
from earlyhelp.plans.selectors import latest_scores

from .models import PanelCase
from .selectors import agenda_cases


@dataclass
class NeedLine:
    theme: str
    person: str  # "" for the whole family
    baseline: int
    latest: int | None  # the latest review's score, if any review scored it
    description: str
    restricted: bool  # the description exists but this member may not read it

    @property
    def change(self) -> int | None:
        return None if self.latest is None else self.latest - self.baseline


@dataclass
class PlanLine:
    started_on: dt.date
    status: str
    open_actions: int
    done_actions: int
    overdue_actions: int


@dataclass
class Briefing:
    assessment: Assessment | None
    needs: list[NeedLine] = field(default_factory=list)
    plan: PlanLine | None = None
    last_review: dt.date | None = None
    next_review_due: dt.date | None = None
    reviews: int = 0
    earlier_cases: list[PanelCase] = field(default_factory=list)


def _needs(user, episode, assessment) -> list[NeedLine]:
    needs = list(
        PresentingNeed.objects.filter(assessment=assessment).select_related("theme", "person")
    )
    latest = latest_scores(needs)
    allowed = may_see(user, NEED_DESCRIPTION, episode=episode)
    sensitive_themes = set() if allowed else restricted_theme_ids()
    lines = []
    for need in needs:
        hidden = not allowed and need_is_sensitive(need, sensitive_themes)
        lines.append(
            NeedLine(
                theme=need.theme.name,
                person=need.person.full_name if need.person else "",
                baseline=need.baseline_score,
                latest=latest.get(need.pk),
                description="" if hidden else need.description,
                restricted=hidden and bool(need.description),
            )
        )
    return lines


def _plan(episode, today) -> PlanLine | None:
    plan = (
        Plan.objects.filter(episode=episode)
        .annotate(
            open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN)),
            done_actions=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__status=ActionStatus.OPEN, actions__due_date__lt=today),
            ),
        )
        .order_by("-started_on")
        .first()
    )
    if plan is None:
        return None
    return PlanLine(
        started_on=plan.started_on,
        status=plan.get_status_display(),
        open_actions=plan.open_actions,
        done_actions=plan.done_actions,
        overdue_actions=plan.overdue_actions,
    )


def case_briefing(*, user, case: PanelCase) -> Briefing:
    """For a case already read through panel_case_detail (scoped and audited there)."""
    episode = case.episode
    today = dates.today()
    assessment = latest_assessment(episode)
    briefing = Briefing(assessment=assessment)
    if assessment is not None:
        briefing.needs = _needs(user, episode, assessment)
    briefing.plan = _plan(episode, today)
    reviews = list(
        Review.objects.filter(episode=episode)
        .order_by("-held_on", "-created_at")
        .values_list("held_on", "next_review_due")
    )
    briefing.reviews = len(reviews)
    if reviews:
        briefing.last_review, briefing.next_review_due = reviews[0]
    # The family's earlier panel cases (any panel), so the panel sees what was tried before.
    briefing.earlier_cases = list(
        agenda_cases(user=user)
        .filter(family_id=case.family_id)
        .exclude(pk=case.pk)
        .prefetch_related("decisions")
        .order_by("-brought_on")[:10]
    )
    return briefing
