"""A worker's caseload and the team manager's view of work that needs action."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404

from earlyhelp.cases import selectors as cases
from earlyhelp.core import dates
from earlyhelp.core.access import get_visible_or_404
from earlyhelp.core.models import Role
from earlyhelp.core.permissions import require_role

from .base import audit_list, page, paginate
from .start import queue_counts


def _rows(page_obj, today):
    for episode in page_obj:
        due = cases.next_review_due(episode)
        episode.review_due = due
        episode.review_overdue = bool(due and due < today)
        episode.assessment_overdue = not episode.assessment_done and (
            episode.start_date < today - dt.timedelta(days=cases.ASSESSMENT_DUE_DAYS)
        )
    return page_obj


@login_required
def caseload(request, worker_id=None):
    user = request.user
    today = dates.today()
    if worker_id is None:
        worker = user
    else:
        require_role(user, {Role.MANAGER}, "see another worker's caseload")
        worker = get_visible_or_404(cases.team_workers(user=user), pk=worker_id)
    page_obj = paginate(request, cases.caseload_rows(user=user, worker=worker, today=today))
    audit_list(request, "cases.episode")
    _rows(page_obj, today)
    own = worker.pk == user.pk
    return page(
        request,
        "web/caseload.html",
        {
            "page_title": "My caseload" if own else f"Caseload of {worker.display_name}",
            "worker": worker,
            "own": own,
            "page_obj": page_obj,
            "today": today,
        },
    )


@login_required
def team(request):
    user = request.user
    require_role(user, {Role.MANAGER}, "see the team manager's view")
    return page(
        request,
        "web/team/index.html",
        {
            "page_title": "Team",
            "counts": cases.work_counts(user=user),
            "queue": queue_counts(user),
            "workers": cases.team_workers(user=user),
        },
    )


QUEUES = {
    "unallocated": ("Unallocated episodes", "episodes"),
    "assessments-overdue": ("Assessments overdue", "episodes"),
    "reviews-overdue": ("Reviews overdue", "episodes"),
    "actions-past-due": ("Plan actions past due", "actions"),
}


@login_required
def team_queue(request, queue: str):
    user = request.user
    require_role(user, {Role.MANAGER, Role.WORKER}, "see the team's work queues")
    if queue not in QUEUES:
        raise Http404("No such list")
    today = dates.today()
    title, kind = QUEUES[queue]
    if queue == "unallocated":
        rows = cases.episodes_unallocated(user=user)
    elif queue == "assessments-overdue":
        rows = cases.episodes_assessment_overdue(user=user, today=today)
    elif queue == "reviews-overdue":
        rows = cases.episodes_review_overdue(user=user, today=today)
    else:
        rows = cases.actions_past_due(user=user, today=today)
    page_obj = paginate(request, rows)
    audit_list(request, "cases.episode")
    if queue == "reviews-overdue":
        for episode in page_obj:
            episode.review_due = cases.next_review_due(episode)
    return page(
        request,
        "web/team/queue.html",
        {"page_title": title, "queue": queue, "kind": kind, "page_obj": page_obj},
    )
