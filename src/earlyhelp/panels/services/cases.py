"""Cases brought to a panel, by hand or by the stuck-case detector, and withdrawn."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from earlyhelp.access.permissions import can_work_on_episode
from earlyhelp.core import audit, dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.workflow import NEW

from .. import rules
from ..journey import PANEL_CASE
from ..models import Meeting, Panel, PanelCase, StuckReason
from .meetings import next_meeting


@transaction.atomic
def panel_case_bring(
    *,
    panel: Panel,
    episode,
    acting_user,
    detail: str,
    meeting: Meeting | None = None,
    reasons=(StuckReason.BROUGHT_BY_HAND,),
    today: dt.date | None = None,
) -> PanelCase:
    """Bring an episode to a panel by hand (the practitioner says why)."""
    today = today or dates.today()
    if not (
        can_work_on_episode(acting_user, episode)
        or rules.is_panel_member(acting_user, panel, today)
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(
            "Only the lead practitioner, early help staff or the panel's "
            "members can bring a case to a panel."
        )
    if not (detail or "").strip():
        raise ValidationError({"detail": "Enter why the case is being brought to the panel"})
    return bring_case(
        panel=panel,
        episode=episode,
        acting_user=acting_user,
        detail=detail.strip(),
        meeting=meeting,
        reasons=list(reasons),
        automatic=False,
        today=today,
    )


def bring_case(*, panel, episode, acting_user, detail, meeting, reasons, automatic, today):
    from earlyhelp.cases.models import Episode

    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    rules.episode_is_open(episode)
    if not panel.is_active:
        raise IllegalMove(f"{panel.name} is no longer active.")
    rules.not_already_on_an_agenda(episode)
    if meeting is None:
        meeting = next_meeting(panel, today)
    else:
        rules.meeting_takes_agenda(meeting, panel, today)
    case = PanelCase(
        status=PANEL_CASE.require("bring", NEW),
        panel=panel,
        meeting=meeting,
        episode=episode,
        family_id=episode.family_id,
        reasons=[str(r) for r in reasons],
        detail=detail,
        automatic=automatic,
        brought_by=acting_user,
        brought_on=today,
    )
    return base.create(case, acting_user=acting_user, family_id=episode.family_id, reason=detail)


@transaction.atomic
def panel_case_withdraw(*, panel_case: PanelCase, acting_user, reason: str) -> PanelCase:
    panel_case = PanelCase.objects.select_for_update().get(pk=panel_case.pk)
    new_status = PANEL_CASE.require("withdraw", panel_case)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the case is withdrawn from the panel"})
    before = audit.snapshot(panel_case, ["status"])
    panel_case.status = new_status
    return base.update(
        panel_case,
        acting_user=acting_user,
        before=before,
        family_id=panel_case.family_id,
        reason=reason,
    )


def panel_for_episode(episode, today: dt.date) -> Panel | None:
    """The panel that takes a stuck case: one for the family's locality before a borough-wide
    one; one whose age range fits a focus child before one for any age."""
    ages = [
        child.age_on(today)
        for child in episode.focus_children.all()
        if child.date_of_birth is not None
    ] or [
        m.person.age_on(today)
        for m in episode.family.memberships.select_related("person")
        if m.role == "child" and m.person.date_of_birth is not None
    ]
    locality_id = episode.family.locality_id
    candidates = Panel.objects.filter(is_active=True, takes_stuck_cases=True).filter(
        Q(locality__isnull=True) | Q(locality_id=locality_id)
    )
    best, best_key = None, None
    for panel in candidates:
        has_range = panel.minimum_age is not None or panel.maximum_age is not None
        if has_range and not any(
            (panel.minimum_age is None or age >= panel.minimum_age)
            and (panel.maximum_age is None or age <= panel.maximum_age)
            for age in ages
        ):
            continue
        key = (panel.locality_id is None, not has_range, panel.name)
        if best_key is None or key < best_key:
            best, best_key = panel, key
    return best
