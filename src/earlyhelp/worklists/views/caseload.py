"""A worker's caseload and the team manager's view of work that needs action."""

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.safestring import mark_safe

from earlyhelp.access import policy
from earlyhelp.core import dates
from earlyhelp.frontdoor import selectors as frontdoor
from earlyhelp.web.templatetags.govuk import govuk_date, govuk_tag
from earlyhelp.web.views.base import (
    audit_list,
    counted_page,
    page,
    paginate_counted,
    url_maker,
)

from .. import selectors as worklists
from ..caseload_list import caseload_page, team_worker_or_404


@login_required
def caseload(request, worker_id=None):
    user = request.user
    today = dates.today()
    if worker_id is None:
        worker = user
    else:
        policy.require(user, policy.Action.SEE_TEAM_VIEW)
        worker = team_worker_or_404(user=user, worker_id=worker_id)
        policy.require(user, policy.Action.SEE_CASELOAD_OF, worker)
    page_obj = counted_page(request, caseload_page(user=user, worker=worker, today=today))
    audit_list(request, "cases.episode")
    worklists.mark_due(page_obj, today)
    own = worker.pk == user.pk
    return page(
        request,
        "worklists/caseload.html",
        {
            "page_title": "My caseload" if own else f"Caseload of {worker.display_name}",
            "worker": worker,
            "own": own,
            "page_obj": page_obj,
            "rows": caseload_table_rows(page_obj),
        },
    )


_CASELOAD_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a>{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    "    </tr>\n    "
)
_LEVEL = '<br><span class="govuk-body-s">{}</span>'
_OVERDUE = " " + govuk_tag("Overdue", "red")


def caseload_table_rows(episodes):
    """The caseload table's rows (GOV.UK table rows, with tags; marked by mark_due) as one piece
    of HTML, each cell formatted once here and text escaped as the template would: the
    template's loop, its lookups and filters were a third of the page's time (issue 19). The
    whitespace is the loop's it replaces, so the page is the same to the byte."""
    family_url, episode_url = url_maker("web:family_detail"), url_maker("web:episode_detail")
    html = []
    for episode in episodes:
        due = episode.review_due
        review = (f"{escape(govuk_date(due))}{_OVERDUE if episode.review_overdue else ''}"
                  if due else "No plan yet")  # fmt: skip
        late = episode.actions_late
        html.append(
            _CASELOAD_ROW.format(
                family_url(episode.family_id),  # paths of UUIDs: nothing to escape
                escape(episode.family_name),
                episode_url(episode.pk),
                escape(episode.reference),
                _LEVEL.format(escape(episode.level_name)) if episode.level_id else "",
                escape(govuk_date(episode.start_date)),
                govuk_tag(*_assessment_tag(episode)),
                review,
                govuk_tag(late, "red") if late else "0",
            )
        )
    return mark_safe("".join(html))


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
