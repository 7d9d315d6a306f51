"""Writes for panels: members, meetings, cases brought, decisions, actions and unmet need.

Decisions that change the episode go through the journey's own services (cases.services), so
the workflow rules apply to a panel exactly as to a practitioner.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.cases import services as case_services
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.permissions import can_work_on_episode

from . import rules
from .models import (
    DecisionKind,
    Meeting,
    MeetingStatus,
    Panel,
    PanelAction,
    PanelCase,
    PanelCaseStatus,
    PanelDecision,
    PanelMember,
    PanelRole,
    StuckReason,
    UnmetNeed,
)


@transaction.atomic
def panel_create(
    *,
    name: str,
    kind: str,
    acting_user,
    description: str = "",
    locality=None,
    minimum_age=None,
    maximum_age=None,
    takes_stuck_cases=True,
) -> Panel:
    panel = Panel(
        name=name,
        kind=kind,
        description=description,
        locality=locality,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        takes_stuck_cases=takes_stuck_cases,
    )
    return base.create(panel, acting_user=acting_user)


@transaction.atomic
def panel_member_add(
    *,
    panel: Panel,
    user,
    acting_user,
    role: str = PanelRole.MEMBER,
    joined_on: dt.date | None = None,
) -> PanelMember:
    if not user.is_active:
        raise IllegalMove(f"{user} cannot join a panel: their account is disabled.")
    if panel.memberships.filter(user=user, left_on__isnull=True).exists():
        raise IllegalMove(f"{user} is already a member of {panel.name}.")
    member = PanelMember(
        panel=panel, user=user, role=role, joined_on=joined_on or timezone.localdate()
    )
    return base.create(member, acting_user=acting_user)


@transaction.atomic
def panel_member_remove(*, member: PanelMember, acting_user, left_on: dt.date | None = None):
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise IllegalMove("This member has already left the panel.")
    before = audit.snapshot(member, ["left_on"])
    member.left_on = left_on or timezone.localdate()
    if member.left_on < member.joined_on:
        raise ValidationError({"left_on": "The leaving date must be on or after joining"})
    return base.update(member, acting_user=acting_user, before=before)


@transaction.atomic
def meeting_schedule(*, panel: Panel, date: dt.date, acting_user, venue: str = "") -> Meeting:
    if not panel.is_active:
        raise IllegalMove(f"{panel.name} is no longer active.")
    meeting = Meeting(panel=panel, date=date, venue=venue)
    meeting = base.create(meeting, acting_user=acting_user)
    # Cases waiting for a meeting join the first one scheduled.
    PanelCase.objects.filter(
        panel=panel, status=PanelCaseStatus.AWAITING, meeting__isnull=True
    ).update(meeting=meeting)
    return meeting


def next_meeting(panel: Panel, today: dt.date) -> Meeting | None:
    return (
        Meeting.objects.filter(panel=panel, status=MeetingStatus.SCHEDULED, date__gte=today)
        .order_by("date", "created_at")
        .first()
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, acting_user, reason: str) -> Meeting:
    """Cancel a meeting; its waiting cases move to the panel's next meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise IllegalMove("Only a scheduled meeting can be cancelled.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    before = audit.snapshot(meeting, ["status", "notes"])
    meeting.status = MeetingStatus.CANCELLED
    meeting.notes = reason
    base.update(meeting, acting_user=acting_user, before=before, reason=reason)
    following = (
        Meeting.objects.filter(
            panel=meeting.panel, status=MeetingStatus.SCHEDULED, date__gte=meeting.date
        )
        .exclude(pk=meeting.pk)
        .order_by("date")
        .first()
    )
    meeting.agenda.filter(status=PanelCaseStatus.AWAITING).update(meeting=following)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, acting_user, notes: str = "") -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise IllegalMove("Only a scheduled meeting can be marked as held.")
    if meeting.date > timezone.localdate():
        raise IllegalMove("A meeting cannot be marked as held before its date.")
    before = audit.snapshot(meeting, ["status", "notes"])
    meeting.status = MeetingStatus.HELD
    meeting.notes = notes
    base.update(meeting, acting_user=acting_user, before=before)
    # Cases not reached roll over to the next meeting.
    meeting.agenda.filter(status=PanelCaseStatus.AWAITING).update(
        meeting=next_meeting(meeting.panel, meeting.date + dt.timedelta(days=1))
    )
    return meeting


# Cases brought to a panel --------------------------------------------------------------------


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
    today = today or timezone.localdate()
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
    return _bring(
        panel=panel,
        episode=episode,
        acting_user=acting_user,
        detail=detail.strip(),
        meeting=meeting,
        reasons=list(reasons),
        automatic=False,
        today=today,
    )


def _bring(*, panel, episode, acting_user, detail, meeting, reasons, automatic, today):
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
    rules.case_awaits_decision(panel_case)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the case is withdrawn from the panel"})
    before = audit.snapshot(panel_case, ["status"])
    panel_case.status = PanelCaseStatus.WITHDRAWN
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

    today = today or timezone.localdate()
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
                case = _bring(
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


# Decisions ------------------------------------------------------------------------------------


@policy.decides_for_panel
@transaction.atomic
def decision_record(
    *,
    panel_case: PanelCase,
    kind: str,
    rationale: str,
    acting_user,
    decided_on: dt.date | None = None,
    lead_practitioner=None,
    service=None,
    person=None,
    closure_outcome: str = "",
    social_care_reference: str = "",
    action_owner=None,
) -> PanelDecision:
    """Record what the panel decided, and make the change through the journey's services."""
    policy.require(acting_user, policy.Action.PANEL_DECISION, panel_case)
    from earlyhelp.directory import services as directory_services

    panel_case = (
        PanelCase.objects.select_for_update(of=("self",))
        .select_related("panel", "episode", "meeting")
        .get(pk=panel_case.pk)
    )
    decided_on = decided_on or timezone.localdate()
    rules.require_panel_member(acting_user, panel_case.panel, decided_on, "record its decisions")
    rules.case_awaits_decision(panel_case)
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": "Select what the panel decided"})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter the reasons for the panel's decision"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The decision date must be today or in the past"})
    episode = panel_case.episode
    decision = PanelDecision(
        panel_case=panel_case,
        meeting=panel_case.meeting,
        episode=episode,
        kind=kind,
        rationale=rationale.strip(),
        decided_on=decided_on,
        decided_by=acting_user,
    )
    if kind == DecisionKind.ALLOCATE_LEAD:
        if lead_practitioner is None:
            raise ValidationError({"lead_practitioner": "Select the lead practitioner"})
        case_services.episode_allocate(
            episode=episode,
            lead_practitioner=lead_practitioner,
            acting_user=acting_user,
            on=decided_on,
        )
        decision.lead_practitioner = lead_practitioner
    elif kind == DecisionKind.ADD_SERVICE:
        if service is None:
            raise ValidationError({"service": "Select the service"})
        decision.service = service
        if can_work_on_episode(acting_user, episode):
            decision.referral = directory_services.referral_send(
                episode=episode,
                service=service,
                person=person,
                reason=rationale.strip(),
                acting_user=acting_user,
            )
        else:
            # The panel cannot refer on the family's behalf: the lead (or a named owner) does.
            action_owner = action_owner or episode.lead_practitioner
            if action_owner is None:
                raise ValidationError(
                    {
                        "action_owner": "Select who will make the referral: "
                        "this episode has no lead practitioner"
                    }
                )
    elif kind == DecisionKind.STEP_UP:
        case_services.episode_step_up(
            episode=episode,
            on=decided_on,
            reason=rationale.strip(),
            acting_user=acting_user,
            social_care_reference=social_care_reference,
        )
    elif kind == DecisionKind.CLOSE:
        if not closure_outcome:
            raise ValidationError({"closure_outcome": "Select the closure outcome"})
        case_services.episode_close(
            episode=episode,
            outcome=closure_outcome,
            end_date=decided_on,
            summary=rationale.strip(),
            acting_user=acting_user,
        )
        decision.closure_outcome = closure_outcome
    base.create(
        decision, acting_user=acting_user, family_id=episode.family_id, reason=rationale.strip()
    )
    if kind == DecisionKind.ADD_SERVICE and decision.referral is None:
        panel_action_add(
            panel_case=panel_case,
            owner=action_owner,
            acting_user=acting_user,
            description=f"Refer the family to {service.name}",
            due_date=decided_on + dt.timedelta(days=7),
        )
    before = audit.snapshot(panel_case, ["status"])
    panel_case.status = PanelCaseStatus.DECIDED
    base.update(panel_case, acting_user=acting_user, before=before, family_id=panel_case.family_id)
    return decision


@transaction.atomic
def panel_action_add(
    *, panel_case: PanelCase, description: str, owner, due_date: dt.date, acting_user
) -> PanelAction:
    policy.require(acting_user, policy.Action.PANEL_DECISION, panel_case)
    if not (description or "").strip():
        raise ValidationError({"description": "Enter what needs to be done"})
    if not owner.is_active:
        raise IllegalMove(f"{owner} cannot own an action: their account is disabled.")
    action = PanelAction(
        panel_case=panel_case, description=description.strip(), owner=owner, due_date=due_date
    )
    return base.create(action, acting_user=acting_user, family_id=panel_case.family_id)


@transaction.atomic
def panel_action_complete(
    *, action: PanelAction, acting_user, completed_on: dt.date | None = None
) -> PanelAction:
    action = PanelAction.objects.select_for_update().select_related("panel_case").get(pk=action.pk)
    if action.status != "open":
        raise IllegalMove("This action is already done.")
    if acting_user.pk != action.owner_id and not rules.is_panel_member(
        acting_user, action.panel_case.panel, timezone.localdate()
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the action's owner or a panel member can mark it done.")
    before = audit.snapshot(action, ["status", "completed_on"])
    action.status = "done"
    action.completed_on = completed_on or timezone.localdate()
    return base.update(
        action, acting_user=acting_user, before=before, family_id=action.panel_case.family_id
    )


@transaction.atomic
def unmet_need_record(
    *,
    panel: Panel,
    description: str,
    acting_user,
    theme=None,
    locality=None,
    age_group: str = "",
    families_affected: int = 1,
    meeting=None,
    panel_case=None,
    recorded_on: dt.date | None = None,
) -> UnmetNeed:
    """Log a gap in the offer the panel saw. It reaches commissioners, so it names no one."""
    recorded_on = recorded_on or timezone.localdate()
    rules.require_panel_member(acting_user, panel, recorded_on, "log unmet need")
    if not (description or "").strip():
        raise ValidationError({"description": "Describe the need that could not be met"})
    if families_affected is None or families_affected < 1:
        raise ValidationError({"families_affected": "Enter how many families, 1 or more"})
    rules.unmet_need_is_anonymous(description, panel_case.family if panel_case else None)
    need = UnmetNeed(
        panel=panel,
        meeting=meeting,
        panel_case=panel_case,
        theme=theme,
        locality=locality or (panel_case.family.locality if panel_case else None),
        age_group=age_group,
        description=description.strip(),
        families_affected=families_affected,
        recorded_on=recorded_on,
        recorded_by=acting_user,
    )
    return base.create(need, acting_user=acting_user)
