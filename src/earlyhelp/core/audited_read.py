"""A record's read and its audit row in one statement, on PostgreSQL (decision
api-audit-row-written-with-the-read): the scoped SELECT becomes a CTE that a data-modifying CTE
reads to INSERT the view row – the same row `audit.record_view` writes (same columns, values and
conversions), but no second round trip. A read that finds nothing inserts nothing (no row, no
audit), as before. Elsewhere (SQLite has no INSERT in a WITH) the caller records as usual."""

import weakref

from django.db import connections, router

from . import audit, bulk
from .models import AuditAction, AuditEvent

# connection -> (INSERT's table and column list, [(attname, to the driver's value)])
_columns = weakref.WeakKeyDictionary()


def view_row_wrap(model, *, user, id_column="id", family_column="family_id"):
    """For core.prepared.scoped_row_or_404(wrap=): the read of a row of `model` (its id and its
    family's id the SELECT's columns `id_column` and `family_column`) writing its view row in the
    same statement; None where the database cannot (then call audit.record_view)."""
    connection = connections[router.db_for_write(AuditEvent)]
    # The statement runs where the record is read: only there, and only if the audit rows are
    # written to that same database, can it write the row.
    if connection.vendor != "postgresql" or router.db_for_read(model) != connection.alias:
        return None
    event = audit.build(user=user, action=AuditAction.VIEW,
                        object_type=model._meta.label_lower)
    insert, columns = _statement(connection)
    quote = connection.ops.quote_name
    from_read = {"object_id": f"CAST(r.{quote(id_column)} AS text)",
                 "family_id": f"r.{quote(family_column)}"}
    values, params = [], []
    for attname, convert in columns:
        if attname in from_read:
            values.append(from_read[attname])
        else:
            values.append("%s")
            params.append(convert(getattr(event, attname)))
    # The SELECT's SQL and the audit columns are fixed per scope: the text repeats, and
    # core.prepared.cursor prepares it once per connection.
    tail = f"), a AS ({insert} SELECT {', '.join(values)} FROM r) SELECT * FROM r"

    def wrap(sql, read_params):
        return "WITH r AS (" + sql + tail, [*read_params, *params]

    return wrap


def _statement(connection):
    statement = _columns.get(connection)
    if statement is None:
        fields = bulk.fields_written(AuditEvent)
        quote = connection.ops.quote_name
        insert = (f"INSERT INTO {quote(AuditEvent._meta.db_table)} "
                  f"({', '.join(quote(f.column) for f in fields)})")
        converters = bulk.converters(fields, connection, remember_datetimes=False)
        statement = _columns[connection] = (
            insert, [(f.attname, c) for f, c in zip(fields, converters, strict=True)])
    return statement
