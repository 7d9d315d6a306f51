"""Bulk writes for the set-wise services (the outcome check, the audit rows of a bulk service):
one prepared statement run over every row (executemany), or COPY on PostgreSQL.

Each value goes through its field's pre_save and get_db_prep_save (the call skipped for plain
values it returns unchanged), so the database sees what `bulk_create`/`save` would write; what
is skipped is Django's per-batch SQL compilation, which cost more than the rows themselves at
tens of thousands of rows (`bulk_update`'s CASE per field grew faster than the rows: 62 s for
1,000 families' outcomes).
"""

import datetime as dt
import json
import time
import uuid

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.dispatch import Signal

# Sent once, at the end of its transaction, by a writer that went around the services (the
# history import): what derives from the records (insights' Annex A rows) is rebuilt – only for
# the contacts and assessments it names (contact_ids=, assessment_ids=), all of it when it names
# none or says people_changed=True (an existing person's columns changed).
written = Signal()

BATCH_SIZE = 5000

# Values a column type's get_db_prep_save hands to the driver unchanged: for these the call is
# skipped (it was most of the insert's Python time). Other values take the full path.
_AS_IS = {
    "CharField": (str,), "TextField": (str,), "SlugField": (str,), "EmailField": (str,),
    "URLField": (str,), "IntegerField": (int,), "BigIntegerField": (int,),
    "SmallIntegerField": (int,), "PositiveIntegerField": (int,),
    "PositiveSmallIntegerField": (int,), "PositiveBigIntegerField": (int,),
    "AutoField": (int,), "BigAutoField": (int,), "BooleanField": (bool,),
}


def _quick(field, connection) -> dict:
    """{value type: conversion, or None for unchanged} – what `field` (a foreign key: its
    target) does to a value of exactly that type here, without the call."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind == "UUIDField":  # SQLite stores the 32 hex digits
        return {uuid.UUID: None if connection.features.has_native_uuid_field else _hex}
    if kind == "DateField":
        return {dt.date: None if connection.vendor == "postgresql" else dt.date.isoformat}
    return dict.fromkeys(_AS_IS.get(kind, ()))


def _hex(value: uuid.UUID) -> str:
    return value.hex


def converters(fields, connection, *, remember_datetimes: bool = True) -> list:
    """Per column, a function from a Python value to what the driver is handed: the value as
    is where the type passes unchanged (_quick), else the field's get_db_prep_save – remembered
    per value for datetimes (an import's rows share a handful of timestamps; a writer kept for
    a process's life, whose stamps never repeat, passes remember_datetimes=False)."""
    out = []
    for field in fields:
        quick = _quick(field, connection)

        def convert(value, field=field, quick=quick, memo={}):  # noqa: B006 – per column
            if value is None:
                return None
            kind = type(value)
            if kind in quick:
                change = quick[kind]
                return value if change is None else change(value)
            if kind is dt.datetime and remember_datetimes:
                if value not in memo:
                    memo[value] = field.get_db_prep_save(value, connection)
                return memo[value]
            return field.get_db_prep_save(value, connection)

        out.append(convert)
    return out


def _values(rows, fields, connection) -> list[list]:
    """Saved values of model instances (each field's pre_save: auto_now stamps), converted."""
    to_driver = converters(fields, connection)
    plain = [(f.attname, type(f).pre_save is models.Field.pre_save, f, c)
             for f, c in zip(fields, to_driver, strict=True)]
    return [[convert(getattr(row, attname) if is_plain else field.pre_save(row, True))
             for attname, is_plain, field, convert in plain] for row in rows]


def fields_written(model) -> list:
    """The columns an INSERT names: every concrete one but an auto-numbered key."""
    return [f for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField))]


def insert_rows(model, instances, batch_size: int = BATCH_SIZE) -> None:
    """INSERT unsaved instances in the caller's transaction. An auto-numbered primary key is left
    to the database and NOT read back onto the instances: use this only where nothing reads
    their ids afterwards (audit rows, which the sealer reads from the table). On PostgreSQL the
    rows go in with COPY (one statement streaming every row), elsewhere one prepared INSERT run
    over every row (executemany)."""
    if not instances:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    fields = fields_written(model)
    _write(model, fields, [_values(instances[start:start + batch_size], fields, connection)
                           for start in range(0, len(instances), batch_size)], connection)


class JSONText(str):
    """A JSON column's value already encoded (`insert_values` writes it as it is): rows of one
    shape can share their text, or splice one value into a template, instead of an encoding
    per row."""


# Column types whose Python values each driver takes as they are (str and int subclasses, the
# choices, included): `insert_values` passes such a column through untouched. Elsewhere a
# UUID is stored as hex and a date as ISO text (SQLite), and JSON is encoded.
_DIRECT = set(_AS_IS) | {"FloatField"}
_DIRECT_PG = _DIRECT | {"UUIDField", "DateField", "DateTimeField"}


def _column_converter(field, connection):
    """None where the driver takes the column's values as they are; else a function per value
    (JSON: encoded here as `JSONField` encodes it, already-encoded text kept)."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in (_DIRECT_PG if connection.vendor == "postgresql" else _DIRECT):
        return None
    if kind == "JSONField":
        encode = (target.encoder or json.JSONEncoder)().encode

        def convert(value):
            if value is None or type(value) is JSONText:
                return value
            return encode(value)

        return convert
    return converters([field], connection)[0]


def insert_values(model, attnames: list[str], rows, batch_size: int = BATCH_SIZE) -> None:
    """INSERT rows given as tuples of Python values, one per attname (every concrete column but
    an auto-numbered key, in any order): no model instance is made, no field's pre_save runs
    (the caller gives auto_now stamps and defaults), and nothing is validated – for rows whose
    values were checked before (the history import checks a whole extract first). Each value
    is of its column's own Python type (a UUID for a UUID column, an aware datetime): only the
    columns the driver cannot take as they are are converted (on PostgreSQL, JSON alone)."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    changed = [(i, convert) for i, field in enumerate(fields)
               if (convert := _column_converter(field, connection)) is not None]

    def converted(batch):
        if not changed:
            return batch
        out = []
        for row in batch:
            row = list(row)
            for i, convert in changed:
                row[i] = convert(row[i])
            out.append(row)
        return out

    _write(model, fields, (converted(rows[start:start + batch_size])
                           for start in range(0, len(rows), batch_size)), connection)


def _write(model, fields, batches, connection) -> None:
    """Every batch (a list of converted rows) into `model`'s table: COPY on PostgreSQL, one
    prepared INSERT run over every row elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's COPY adapts each value as its INSERT would (Jsonb, UUID, dates).
            sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
            started, count = time.monotonic(), 0
            with cursor.cursor.copy(sql) as copy:
                for batch in batches:
                    count += len(batch)
                    for values in batch:
                        copy.write_row(values)
            if connection.queries_logged:
                # COPY goes round Django's cursor wrapper: log it as the one statement it is, so
                # query counts (pinned in tests, shown in debug logs) match on both databases.
                connection.queries_log.append({
                    "sql": f"{sql} -- {count} rows",
                    "time": f"{time.monotonic() - started:.3f}",
                })
            return
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        for batch in batches:
            cursor.executemany(sql, batch)


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
