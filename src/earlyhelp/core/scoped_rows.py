"""One record of a user's scope by id, its SQL compiled once per scope (issue 19).

core.prepared.visible_row_or_404 composes and compiles the scoped query on every call: on the
API's episode detail that took five times as long as PostgreSQL took to run it. Here each
distinct scope keeps its compiled statement (per connection, the newest 256), keyed on the
scope's condition as Django compares expressions – scoping's conditions compare by the key
they are built on (the user's ids, role, team and service, and the day), the key under which
scoping already reuses them – so a kept statement only runs for the scope it was compiled
from; only the record's id is bound anew. Access is still decided in the query, every time.

    EPISODE = ScopedRow(lambda scope: scope.values("id", "reference"))
    row = EPISODE.row_or_404(visible_episodes(user), episode_id)   # a dict, or Http404

`build(scope)` must add no date of its own (the scope's day is in its key); the caller's scope is
a plain filtered queryset (scoping's visible_*), anything else is compiled as before.
"""

import uuid
import weakref
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.http import Http404

from .prepared import Compiled, cursor, placeholder, visible_row_or_404

_KEPT = 256  # statements kept per connection: a few scopes per user, many users per worker
_PK = placeholder(1)


class ScopedRow:
    """`build(scope)` -> a values() queryset of the scope; its row with a given id, or 404."""

    def __init__(self, build):
        self._build = build
        self._kept = weakref.WeakKeyDictionary()  # connection -> OrderedDict(key -> Compiled)

    def row_or_404(self, scope, pk) -> dict:
        try:
            pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
        except (ValueError, TypeError, AttributeError) as exc:
            raise Http404("Not found") from exc
        key = _scope_key(scope)
        if key is None:  # not a plain scope: compiled for this call, as before
            return visible_row_or_404(self._build(scope), pk)
        connection = connections[scope.db]
        try:
            compiled = self._compiled(scope, connection, key)
        except EmptyResultSet:  # a user with no casework: Django's none()
            raise Http404("Not found") from None
        with cursor(connection) as cursor_:
            cursor_.execute(compiled.sql, compiled.bind(pk=pk))
            rows = cursor_.fetchall()
        if not rows:
            raise Http404("Not found")
        return compiled.convert(rows, connection)[0]

    def _compiled(self, scope, connection, key) -> Compiled:
        kept = self._kept.get(connection)
        if kept is None:
            kept = self._kept[connection] = OrderedDict()
        compiled = kept.get(key)
        if compiled is not None:
            kept.move_to_end(key)
            return compiled
        queryset = self._build(scope).filter(pk=_PK)[:1]
        # kept=False: the only dates in it are the scope's, and they are in the key
        compiled = kept[key] = Compiled(queryset, connection, {"pk": _PK}, kept=False)
        if len(kept) > _KEPT:
            kept.popitem(last=False)
        return compiled


def _scope_key(scope):
    """What the scope's SQL is made of: its model, its joins and its WHERE, compared as Django
    compares expressions (by what they were built from: scoping's conditions by the key it
    builds them on – the user's ids, role, team, service and the day). None for a queryset
    that is more than a filter (annotated, sliced, distinct, ordered, …)."""
    query = scope.query
    if (query.annotations or query.extra or query.distinct or query.combinator
            or query.select or not query.default_cols or query.order_by or query.low_mark
            or query.high_mark is not None or query.select_related or query.values_select
            or getattr(scope, "_fields", None) is not None):  # fmt: skip
        return None
    key = (query.model, query.where, tuple(query.alias_map.values()))
    try:
        hash(key)
    except TypeError:  # a condition Django cannot compare: compiled for the call
        return None
    return key
