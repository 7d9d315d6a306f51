"""A fixed query (core.prepared.Prepared) whose one row is read only where a scope admits it –
in one query. The scoped record's page needs many columns and lists; written as a scoped
values() queryset Django composed and compiled all of them for every request, since the
scope's SQL holds the user's ids (issue 19). Here only the scope is compiled per request, as
`EXISTS (scope row with this pk)` around the fixed query's SQL, compiled once per connection:

    SELECT * FROM (<fixed SQL, by id>) AS eh_gated WHERE EXISTS (<the scope's row, by id>)

Out of scope, missing and malformed ids are all a 404, as access.scoping.get_visible_or_404."""

import uuid

from django.core.exceptions import EmptyResultSet, ValidationError
from django.http import Http404

from earlyhelp.core.prepared import Compiled, Prepared, cursor


def gated_row_or_404(prepared: Prepared, scope, pk) -> dict:
    """The row of `prepared` (its one placeholder named "pk": the record's id) for `pk`, if the
    scoped queryset `scope` (access.scoping) has the record with that primary key."""
    try:
        pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
        gate_queryset = scope.filter(pk=pk).values("pk")
    except (ValidationError, ValueError, TypeError, AttributeError) as exc:
        raise Http404("Not found") from exc
    connection = prepared.connection()
    try:
        gate = Compiled(gate_queryset, connection, {}, kept=False)
    except EmptyResultSet:  # a user with no casework: Django's none()
        raise Http404("Not found") from None
    fixed = prepared.compiled(connection)
    sql = f"SELECT * FROM ({fixed.sql}) eh_gated WHERE EXISTS ({gate.sql})"
    with cursor(connection) as cursor_:
        cursor_.execute(sql, [*fixed.bind(pk=pk), *gate.params])
        rows = cursor_.fetchall()
    if not rows:
        raise Http404("Not found")
    return fixed.convert(rows, connection)[0]
