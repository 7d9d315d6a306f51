"""Bulk writing for the generator: buffered rows, inserted in batches of 5,000 per statement.

The generator writes rows directly (not through the services) for speed, and writes no audit rows:
no user reads or changes a person's data while a synthetic borough is generated.

Rows are inserted with one prepared INSERT run over each batch (executemany), the fastest bulk path
on both SQLite and PostgreSQL. Every value still goes through its field's get_db_prep_save, so the
database sees exactly what Model.objects.bulk_create would write; what is skipped is the per-row
SQL compilation (and pre_save, which only fills auto_now stamps – the generator dates its rows
itself, so history carries the dates it happened on).
"""

import datetime as dt
import time
import uuid
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState

BATCH_SIZE = 5000


def new_uuid(rng) -> uuid.UUID:
    """A version-4 UUID from the seeded generator, so a seed always gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def make(model, **values):
    """A model instance built without Model.__init__ (several times faster, which counts at a
    few million rows): only the values given, by attname; fields left out take their default
    when written. For the generator's rows only – never saved through the ORM."""
    instance = model.__new__(model)
    instance._state = ModelState()  # setting a foreign key's attname later consults it
    instance.__dict__.update(values)
    return instance


PASS_THROUGH = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _converter(field, connection):
    """value -> database value for one field, as field.get_db_prep_save would give."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return lambda value: value
        return lambda value: None if value is None else value.hex
    if isinstance(target, PASS_THROUGH):  # the generator gives these as str, int or bool already
        return lambda value: value
    if isinstance(target, models.DateTimeField) and connection.vendor == "sqlite":
        # What the SQLite backend's adapt_datetimefield gives (naive UTC text), without its
        # per-value settings look-ups; PostgreSQL takes aware datetimes as they are.
        def to_utc_text(value):
            if value is None:
                return None
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))

        return to_utc_text
    prep = field.get_db_prep_save
    memo = {}

    def convert(value):
        key = tuple(value) if isinstance(value, list) else value
        try:
            return memo[key]
        except KeyError:
            result = memo[key] = prep(value, connection)
            return result
        except TypeError:  # unhashable (e.g. a dict): no memo
            return prep(value, connection)

    return convert


class Table:
    """How one model's rows become an INSERT: its columns, converters and defaults."""

    def __init__(self, model, connection):
        fields = [
            f for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField))
        ]  # fmt: skip
        self.model = model
        self.attnames = [f.attname for f in fields]
        self.converters = [_converter(f, connection) for f in fields]
        # Fields a row leaves out take their default (worked out once: the id never defaults).
        self.defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"

    def values(self, row):
        if isinstance(row, dict):
            get = row.get
            defaults = self.defaults
            return [
                convert(get(name, defaults.get(name)))
                for name, convert in zip(self.attnames, self.converters, strict=True)
            ]
        # An instance's values are in its __dict__ (make() sets only those given).
        get = row.__dict__.get
        defaults = self.defaults
        return [
            convert(get(name, defaults.get(name)))
            for name, convert in zip(self.attnames, self.converters, strict=True)
        ]


class BulkWriter:
    """Buffers rows per model (model instances or dicts of attname -> value); flush() inserts them
    in dependency order, in batches, inside the caller's transaction."""

    def __init__(self, order, batch_size: int = BATCH_SIZE):
        self.order = list(order)  # models, parents before children
        self.batch_size = batch_size
        self.buffers = defaultdict(list)
        self.tables = {}
        self.counts = defaultdict(int)
        self.seconds = defaultdict(float)

    def add(self, instance):
        self.buffers[type(instance)].append(instance)
        return instance

    def row(self, model, **values):
        self.buffers[model].append(values)
        return values

    def add_through(self, through_model, rows):
        self.buffers[through_model].extend(rows)

    def flush(self):
        known = set(self.order)
        for model in self.order + [m for m in list(self.buffers) if m not in known]:
            rows = self.buffers.pop(model, None)
            if not rows:
                continue
            started = time.perf_counter()
            connection = connections[DEFAULT_DB_ALIAS]
            table = self.tables.get(model) or self.tables.setdefault(
                model, Table(model, connection)
            )
            with connection.cursor() as cursor:
                for start in range(0, len(rows), self.batch_size):
                    batch = [table.values(row) for row in rows[start : start + self.batch_size]]
                    cursor.executemany(table.sql, batch)
            self.seconds[model._meta.label] += time.perf_counter() - started
            self.counts[model._meta.label] += len(rows)
