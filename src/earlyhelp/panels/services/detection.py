"""Bring every stuck case to its panel's next meeting, once."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove

from .. import rules
from ..models import PanelCase, PanelCaseStatus, StuckReason
from .cases import bring_case, panel_for_episode


@dataclass
class DetectionResult:
    checked_on: dt.date
    stuck: int = 0
    brought: list = field(default_factory=list)  # PanelCase ids
    already_waiting: int = 0
    recently_decided: int = 0
    no_panel: int = 0


def detect_stuck_cases(*, today: dt.date | None = None, acting_user=None) -> DetectionResult:
    """Bring every stuck case to the next meeting of its panel, once (never twice)."""
    from earlyhelp.cases.models import Episode

    today = today or dates.today()
    result = DetectionResult(checked_on=today)
    found = rules.stuck_episodes(today)
    result.stuck = len(found)
    if not found:
        return result
    waiting = set(
        PanelCase.objects.filter(
            episode_id__in=list(found), status=PanelCaseStatus.AWAITING
        ).values_list("episode_id", flat=True)
    )
    recent = set(
        PanelCase.objects.filter(
            episode_id__in=list(found),
            status=PanelCaseStatus.DECIDED,
            modified_at__date__gte=today - dt.timedelta(days=rules.reconsider_days()),
        ).values_list("episode_id", flat=True)
    )
    episodes = (
        Episode.objects.filter(id__in=list(found))
        .select_related("family")
        .prefetch_related("focus_children")
    )
    for episode in episodes:
        reasons = found[episode.pk]
        if episode.pk in waiting:
            result.already_waiting += 1
            continue
        # A declined referral is news even soon after a decision; the other rules are not.
        if episode.pk in recent and str(StuckReason.REFERRAL_DECLINED) not in reasons:
            result.recently_decided += 1
            continue
        panel = panel_for_episode(episode, today)
        if panel is None:
            result.no_panel += 1
            continue
        labels = dict(StuckReason.choices)
        detail = "Brought automatically: " + "; ".join(labels[r].lower() for r in reasons) + "."
        try:
            with transaction.atomic():
                case = bring_case(
                    panel=panel,
                    episode=episode,
                    acting_user=acting_user,
                    detail=detail,
                    meeting=None,
                    reasons=reasons,
                    automatic=True,
                    today=today,
                )
        except IllegalMove:
            result.already_waiting += 1  # brought by someone else meanwhile
            continue
        result.brought.append(case.pk)
    return result
