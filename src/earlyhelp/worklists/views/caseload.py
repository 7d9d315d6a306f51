"""A worker's caseload and the team manager's view of work that needs action."""

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.safestring import mark_safe

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404
from earlyhelp.core import dates
from earlyhelp.frontdoor import selectors as frontdoor
from earlyhelp.web.templatetags.govuk import govuk_tag
from earlyhelp.web.views.base import audit_list, page, paginate_counted, url_maker

from .. import selectors as worklists


@login_required
def caseload(request, worker_id=None):
    user = request.user
    today = dates.today()
    if worker_id is None:
        worker = user
    else:
        policy.require(user, policy.Action.SEE_TEAM_VIEW)
        worker = get_visible_or_404(worklists.team_workers(user=user), pk=worker_id)
        policy.require(user, policy.Action.SEE_CASELOAD_OF, worker)
    page_obj = paginate_counted(
        request, worklists.caseload_rows(user=user, worker=worker, today=today)
    )
    audit_list(request, "cases.episode")
    worklists.mark_due(page_obj, today)
    family_url, episode_url = url_maker("web:family_detail"), url_maker("web:episode_detail")
    for episode in page_obj:
        episode.family_url, episode.url = family_url(episode.family_id), episode_url(episode.pk)
        episode.assessment_tag = govuk_tag(*_assessment_tag(episode))
        episode.late_tag = govuk_tag(episode.actions_late, "red") if episode.actions_late else "0"
    own = worker.pk == user.pk
    return page(
        request,
        "worklists/caseload.html",
        {
            "page_title": "My caseload" if own else f"Caseload of {worker.display_name}",
            "worker": worker,
            "own": own,
            "page_obj": page_obj,
            "today": today,
            "overdue_tag": govuk_tag("Overdue", "red"),
        },
    )


def _assessment_tag(episode) -> tuple[str, str]:
    if episode.assessment_done:
        return "Completed", "green"
    if episode.assessment_overdue:
        return "Overdue", "red"
    if episode.assessment_started:
        return "In progress", "light-blue"
    return "Not started", "grey"


@login_required
def team(request):
    user = request.user
    policy.require(user, policy.Action.SEE_TEAM_VIEW)
    overview = worklists.team_overview(user=user)
    return page(
        request,
        "worklists/team/index.html",
        {
            "page_title": "Team",
            "counts": overview["counts"],
            "queue": frontdoor.contact_queue_counts(user=user),
            "load_rows": load_rows(overview["workers"]),
            "weights": overview["weights"],
        },
    )


_LOAD_ROW = (
    '<tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}%{}</td>\n'
    "    </tr>"
)
_OVER = mark_safe(' <strong class="govuk-tag govuk-tag--red">Over capacity</strong>')


def load_rows(workers) -> list:
    """The caseloads table's rows, each formatted once here, text escaped as the template
    would (Django's escape is html.escape): a service of a few hundred workers drew each cell
    through the template's variable lookups and number localisation, a third of the team
    page's time on the full-size borough, and format_html's lazy escaping was half of the rest."""
    caseload_url = url_maker("web:worker_caseload")
    return [
        mark_safe(
            _LOAD_ROW.format(
                caseload_url(worker.pk),  # a path of a UUID: nothing to escape
                escape(worker.display_name),
                escape(worker.team_name),
                worker.load.count,
                worker.load.weighted_2dp,
                worker.load.capacity_2dp,
                worker.load.percent,
                _OVER if worker.load.over else "",
            )
        )
        for worker in workers
    ]


QUEUES = {
    "unallocated": ("Unallocated episodes", "episodes"),
    "assessments-overdue": ("Assessments overdue", "episodes"),
    "reviews-overdue": ("Reviews overdue", "episodes"),
    "actions-past-due": ("Plan actions past due", "actions"),
}


@login_required
def team_queue(request, queue: str):
    user = request.user
    policy.require(user, policy.Action.SEE_TEAM_QUEUES)
    if queue not in QUEUES:
        raise Http404("No such list")
    today = dates.today()
    title, kind = QUEUES[queue]
    if queue == "unallocated":
        rows = worklists.episodes_unallocated(user=user)
    elif queue == "assessments-overdue":
        rows = worklists.episodes_assessment_overdue(user=user, today=today)
    elif queue == "reviews-overdue":
        rows = worklists.episodes_review_overdue(user=user, today=today)
    else:
        rows = worklists.actions_past_due(user=user, today=today)
    page_obj = paginate_counted(request, rows)
    audit_list(request, "cases.episode")
    if queue == "reviews-overdue":
        for episode in page_obj:
            episode.review_due = episode.next_review_due
    return page(
        request,
        "worklists/team/queue.html",
        {"page_title": title, "queue": queue, "kind": kind, "page_obj": page_obj},
    )
