"""Each role's start page: what to do next, with counts and links."""

from importlib.util import find_spec

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q

from earlyhelp.cases import selectors as cases
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.frontdoor import selectors as frontdoor
from earlyhelp.frontdoor.models import ContactStatus

from ..context_processors import nav_items_for
from .base import page


def _action_needed(user) -> list | None:
    """Items from the panels app's `action_needed(user)` once it exists; else None."""
    if find_spec("earlyhelp.panels.action_needed") is None:
        return None
    from earlyhelp.panels.action_needed import action_needed

    return list(action_needed(user))


def queue_counts(user) -> dict:
    counts = (
        frontdoor.contact_queue(user=user)
        .order_by()
        .aggregate(
            total=Count("id"),
            red=Count("id", filter=Q(priority="red")),
            amber=Count("id", filter=Q(priority="amber")),
            green=Count("id", filter=Q(priority="green")),
            unrated=Count("id", filter=Q(priority="")),
        )
    )
    return counts


def _own_caseload_summary(user):
    import datetime as dt

    from earlyhelp.cases.selectors import ASSESSMENT_DUE_DAYS, next_review_due

    today = dates.today()
    rows = list(cases.caseload_rows(user=user, worker=user, today=today))
    summary = {"open": len(rows), "assessment_overdue": 0, "review_overdue": 0, "actions_late": 0}
    for row in rows:
        if not row.assessment_done and row.start_date < today - dt.timedelta(
            days=ASSESSMENT_DUE_DAYS
        ):
            summary["assessment_overdue"] += 1
        due = next_review_due(row)
        if due and due < today:
            summary["review_overdue"] += 1
        summary["actions_late"] += row.actions_late
    return summary


@login_required
def start(request):
    user = request.user
    context = {"page_title": "Home", "role": user.role, "Role": Role}
    action_needed = _action_needed(user)
    context["action_needed"] = action_needed
    if user.role == Role.FRONT_DOOR:
        context["queue"] = queue_counts(user)
    if user.role == Role.MANAGER:
        context["queue"] = queue_counts(user)
        if action_needed is None:
            context["counts"] = cases.work_counts(user=user)
    if user.role in (Role.WORKER, Role.PARTNER):
        context["mine"] = _own_caseload_summary(user)
    if user.role == Role.PARTNER:
        context["my_requests"] = (
            frontdoor.contact_list(user=user)
            .filter(referrer_user=user)
            .select_related("decision")[:10]
        )
        context["awaiting"] = ContactStatus.AWAITING_DECISION
    context["links"] = [item for item in nav_items_for(user, request.path) if item["url"] != "/"]
    return page(request, "web/start.html", context)
