"""Bulk writes for the set-wise services (the outcome check, the audit rows of a bulk service):
one prepared statement run over every row (executemany).

Each value goes through its field's pre_save and get_db_prep_save, so the database sees what
`bulk_create`/`save` would write; what is skipped is Django's per-batch SQL compilation, which
cost more than the rows themselves at tens of thousands of rows (`bulk_update`'s CASE per field
grew faster than the rows: 62 s for 1,000 families' outcomes).
"""

from django.db import DEFAULT_DB_ALIAS, connections, models

BATCH_SIZE = 5000


def insert_rows(model, instances, batch_size: int = BATCH_SIZE) -> None:
    """INSERT unsaved instances in the caller's transaction. An auto-numbered primary key is left
    to the database and NOT read back onto the instances: use this only where nothing reads
    their ids afterwards (audit rows, which the sealer reads from the table)."""
    if not instances:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and isinstance(f, models.AutoField))]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        for start in range(0, len(instances), batch_size):
            cursor.executemany(sql, [
                [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
                for row in instances[start:start + batch_size]
            ])


def update_rows(model, fields: list[str], rows) -> None:
    """UPDATE `fields` of many saved rows, one prepared UPDATE run for every row."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET "
           + ", ".join(f"{quote(c.column)} = %s" for c in columns)
           + f" WHERE {quote(meta.pk.column)} = %s")
    params = [[c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns]
              + [meta.pk.get_db_prep_value(row.pk, connection)] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
