"""Reads of panels, agendas, decisions and unmet need – always scoped to the user.

A panel member sees the families with cases brought to their panels (the panel scope in
access.scoping); agenda items are filtered through that same family scope, so a user
who is not a member sees no family on a panel's agenda.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from earlyhelp.access import roles
from earlyhelp.access.scoping import family_condition, get_visible_or_404, visible_family_ids
from earlyhelp.core import audit, dates

from .models import (
    Meeting,
    MeetingStatus,
    Panel,
    PanelAction,
    PanelCase,
    PanelCaseStatus,
    PanelMember,
    UnmetNeed,
)


def member_panel_ids(user):
    return PanelMember.objects.filter(user=user, left_on__isnull=True).values("panel_id")


def panel_list(*, user) -> QuerySet[Panel]:
    if user is None or not user.is_authenticated:
        return Panel.objects.none()
    panels = Panel.objects.all()
    if user.role not in roles.OVERSIGHT:
        panels = panels.filter(id__in=member_panel_ids(user))
    return (
        panels.select_related("locality")
        .annotate(awaiting=Count("cases", filter=Q(cases__status=PanelCaseStatus.AWAITING)))
        .order_by("name")
    )


def panel_detail(*, user, panel_id) -> Panel:
    return get_visible_or_404(panel_list(user=user), pk=panel_id)


def panel_meetings(*, panel, upcoming_only=False) -> QuerySet[Meeting]:
    meetings = panel.meetings.annotate(
        items=Count("agenda", filter=~Q(agenda__status=PanelCaseStatus.WITHDRAWN))
    )
    if upcoming_only:
        meetings = meetings.filter(status=MeetingStatus.SCHEDULED, date__gte=dates.today())
    return meetings.order_by("date")


def agenda_cases(*, user) -> QuerySet[PanelCase]:
    """Cases on agendas, limited to the families the user may see."""
    return PanelCase.objects.filter(family_id__in=visible_family_ids(user)).select_related(
        "episode",
        "episode__lead_practitioner",
        "episode__team",
        "episode__level",
        "family",
        "panel",
        "meeting",
        "brought_by",
    )


def meeting_detail(*, user, meeting_id) -> Meeting:
    meetings = Meeting.objects.select_related("panel")
    if user.role not in roles.OVERSIGHT:
        meetings = meetings.filter(panel_id__in=member_panel_ids(user))
    return get_visible_or_404(meetings, pk=meeting_id)


def meeting_agenda(*, user, meeting) -> list[PanelCase]:
    cases = list(
        agenda_cases(user=user)
        .filter(meeting=meeting)
        .exclude(status=PanelCaseStatus.WITHDRAWN)
        .prefetch_related("decisions", "actions__owner")
        .order_by("brought_on", "created_at")
    )
    for case in cases:
        audit.record_view(
            user=user, obj=case, family_id=case.family_id, detail=f"On the agenda of {meeting}"
        )
    return cases


def panel_case_detail(*, user, case_id) -> PanelCase:
    case = get_visible_or_404(
        agenda_cases(user=user).prefetch_related(
            "decisions__decided_by", "actions__owner", "unmet_needs"
        ),
        pk=case_id,
    )
    audit.record_view(user=user, obj=case, family_id=case.family_id)
    return case


def waiting_without_meeting(*, user, panel) -> QuerySet[PanelCase]:
    return agenda_cases(user=user).filter(
        panel=panel, status=PanelCaseStatus.AWAITING, meeting__isnull=True
    )


def my_panel_actions(*, user) -> QuerySet[PanelAction]:
    return (
        PanelAction.objects.filter(owner=user, status="open")
        .filter(panel_case__family_id__in=visible_family_ids(user))
        .select_related("panel_case__panel", "panel_case__episode")
        .order_by("due_date")
    )


def my_panel_action_counts(*, user, today: dt.date) -> dict:
    """The user's open panel actions (those my_panel_actions lists): how many, and how many
    past due (their start page). The scope is tested on each of the user's few actions, with
    no join to the family table for the database to plan (issue 19)."""
    condition = family_condition(user, "panel_case__family_id", probe=True)
    if condition is None:
        return {"total": 0, "late": 0}
    # Each action joins one panel case: counting ids needs no DISTINCT.
    return PanelAction.objects.filter(condition, owner=user, status="open").aggregate(
        total=Count("id"), late=Count("id", filter=Q(due_date__lt=today))
    )


def unmet_need_list(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None):
    """Unmet need for commissioners: oversight roles see all; a member sees their panels'."""
    if user is None or not user.is_authenticated:
        return UnmetNeed.objects.none()
    needs = UnmetNeed.objects.all()
    if user.role not in roles.OVERSIGHT:
        needs = needs.filter(panel_id__in=member_panel_ids(user))
    if date_from:
        needs = needs.filter(recorded_on__gte=date_from)
    if date_to:
        needs = needs.filter(recorded_on__lte=date_to)
    return needs.select_related("panel", "theme", "locality").order_by("-recorded_on")


def unmet_need_summary(needs: QuerySet[UnmetNeed]) -> list[dict]:
    """Counts by theme and locality – the shape commissioners plan from."""
    return list(
        needs.values("theme__name", "locality__name")
        .annotate(entries=Count("id"), families=Sum("families_affected"))
        .order_by("-families", "theme__name", "locality__name")
    )
