"""A worker's caseload page by page, its SQL compiled once per connection, day and shape of
scope (issue 19): building and compiling the scoped, annotated, counted queryset took longer
than running it, and model instances were built for five columns of each row. The worker whose
caseload a manager opens is read the same way.

The scope is still decided in the query: the SQL is visible_episodes' for a stand-in user of
the user's shape of scope (access.shapes), the user's own SQL once their ids are bound. The
late actions and a partner's sharing test are counted against the day, so a compiled form is
kept for the day it was made on only.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Count, Window
from django.http import Http404

from earlyhelp.access import shapes
from earlyhelp.access.scoping import get_visible_or_404
from earlyhelp.cases.models import AssessmentState, Episode
from earlyhelp.core.models import Role, Team, User
from earlyhelp.core.prepared import cursor

from .selectors import caseload_rows, team_workers

_COLUMNS = ("id", "family_id", "family__name", "reference", "level_id", "level__name",
            "start_date", "assessment_state", "next_review_due", "actions_late")  # fmt: skip


@dataclass(slots=True)
class CaseloadRow:
    """What the caseload page shows of an episode (mark_due adds what is due)."""

    id: object
    family_id: object
    family_name: str
    reference: str
    level_id: object
    level_name: str | None
    start_date: object
    assessment_state: str
    next_review_due: object
    actions_late: int
    review_due: object = None
    review_overdue: bool = False
    assessment_overdue: bool = False

    @property
    def pk(self):
        return self.id

    @property
    def assessment_done(self) -> bool:  # as Episode's
        return self.assessment_state == AssessmentState.COMPLETED

    @property
    def assessment_started(self) -> bool:
        return self.assessment_state == AssessmentState.IN_PROGRESS


def rows_queryset(user, worker, today):
    """The page's rows as the ORM reads them for a user (or the stand-in for their shape)."""
    rows = caseload_rows(user=user, worker=worker, today=today)
    return rows.annotate(of_all_rows=Window(Count("pk"))).values(*_COLUMNS, "of_all_rows")


_ROWS = shapes.Shaped(lambda user, worker, today: rows_queryset(user, User(pk=worker), today),
                      "worker", model=Episode, dated=True)  # fmt: skip


def prepared(user, worker, today) -> tuple:
    """(connection, the compiled SQL, its parameters for this user and worker); no SQL when the
    user sees no episodes."""
    return _ROWS.prepared(user, today, worker=worker.pk)


def caseload_page(*, user, worker, today):
    """read(start, stop) for web.views.base.counted_page: the worker's open episodes in the
    user's scope, oldest first, as CaseloadRows, with the count of all of them."""
    connection, compiled, params = prepared(user, worker, today)
    if compiled is None:
        return lambda start, stop: ([], None)

    def read(start, stop):
        with cursor(connection) as rows:
            rows.execute(f"{compiled.sql} {connection.ops.limit_offset_sql(start, stop)}", params)
            found = rows.fetchall()
        if not found:
            return [], None
        found = compiled.convert(found, connection)
        rows = [CaseloadRow(*(row[name] for name in _COLUMNS)) for row in found]
        return rows, found[0]["of_all_rows"]

    return read


_WORKER_COLUMNS = ("id", "username", "first_name", "last_name", "role", "team_id", "team__name",
                   "team__service_id")  # fmt: skip
_WORKER = shapes.Shaped(
    lambda user, worker: team_workers(user=user).filter(pk=worker).values(*_WORKER_COLUMNS),
    "worker", model=User,
)  # fmt: skip


def team_worker_or_404(*, user, worker_id) -> User:
    """A worker of the manager's team or service (team_workers) whose caseload they open, with
    their team (what the page and the policy read of them), or a 404 as get_visible_or_404.
    Compiled once per shape for managers only: a shape knows the service of a manager's team
    alone (access.shapes), and only managers open others' caseloads."""
    if user.role != Role.MANAGER:
        return get_visible_or_404(team_workers(user=user), pk=worker_id)
    try:
        worker_id = uuid.UUID(str(worker_id))
    except ValueError:
        raise Http404("Not found") from None
    connection, compiled, params = _WORKER.prepared(user, worker=worker_id)
    if compiled is None:
        raise Http404("Not found")
    with cursor(connection) as rows:
        rows.execute(compiled.sql, params)
        found = compiled.convert(rows.fetchall(), connection)
    if not found:
        raise Http404("Not found")
    row = found[0]
    worker = User(**{name: row[name] for name in _WORKER_COLUMNS[:6]})
    worker.team = Team(pk=row["team_id"], name=row["team__name"],
                       service_id=row["team__service_id"])  # fmt: skip
    return worker
