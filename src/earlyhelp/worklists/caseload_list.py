"""A worker's caseload page by page, its SQL compiled once per connection, day and shape of
scope (issue 19): building and compiling the scoped, annotated, counted queryset took longer
than running it, and model instances were built for five columns of each row.

The scope is still decided in the query: the SQL is visible_episodes' for a stand-in user of
the user's shape of scope (access.shapes), the user's own SQL once their ids are bound. The
late actions and a partner's sharing test are counted against the day, so a compiled form is
kept for the day it was made on only.
"""

import weakref
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, Window

from earlyhelp.access import shapes
from earlyhelp.cases.models import AssessmentState, Episode
from earlyhelp.core.models import User
from earlyhelp.core.prepared import Compiled, cursor, placeholder

from .selectors import caseload_rows

_IDS = {**shapes.PLACEHOLDERS, "worker": placeholder(len(shapes.PLACEHOLDERS) + 1)}
_COLUMNS = ("id", "family_id", "family__name", "reference", "level_id", "level__name",
            "start_date", "assessment_state", "next_review_due", "actions_late")  # fmt: skip

_compiled = weakref.WeakKeyDictionary()  # connection -> {shape: (day, Compiled or None)}


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


def _compile(connection, shape, today) -> Compiled | None:
    """None: the user sees no episodes at all (visible_episodes is none())."""
    per_connection = _compiled.setdefault(connection, {})
    kept = per_connection.get(shape)
    if kept is None or kept[0] != today:
        try:
            # kept=False: it holds the day, and is kept under it (never used on another day).
            rows = rows_queryset(shapes.stand_in(shape), User(pk=_IDS["worker"]), today)
            compiled = Compiled(rows, connection, _IDS, optional=shapes.OPTIONAL, kept=False)
        except EmptyResultSet:
            compiled = None
        kept = per_connection[shape] = (today, compiled)
    return kept[1]


def prepared(user, worker, today) -> tuple:
    """(connection, the compiled SQL, its parameters for this user and worker); no SQL when the
    user sees no episodes."""
    connection = connections[router.db_for_read(Episode)]
    shape = shapes.scope_shape(user)
    compiled = _compile(connection, shape, today)
    if compiled is None:
        return connection, None, None
    return connection, compiled, compiled.bind(**shapes.ids(user, shape), worker=worker.pk)


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
