"""Fixed hot queries compiled once: a queryset built for placeholder ids, its SQL and Django's
row converters kept per database connection, and each request's ids swapped into the
parameters. On the busiest pages composing and compiling a queryset (annotations, subqueries,
joins) cost more than running it (issue 19); the SQL of a fixed query never changes, only its
ids. Ids are bound as parameters, never formatted into the SQL. On PostgreSQL the statement is
also prepared on the server once per connection (`cursor`): planning the timeline's UNION took
six times as long as running it.

    members = Prepared(lambda family: Membership.objects.filter(family_id=family).values(...),
                       "family")
    rows = members.rows(family=family.pk)        # dicts, as .values() would give
"""

import datetime as dt
import functools
import re
import uuid
import weakref
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.http import Http404


def placeholder(n: int) -> uuid.UUID:
    """A placeholder id: no uuid4 is ever this small."""
    return uuid.UUID(int=n)


class Compiled:
    """A values() queryset's SQL for one connection, where the named placeholder ids sit in its
    parameters (a UUID where the database has the type, hex text on SQLite), and its converters.
    A placeholder not `optional` must be in the SQL (else the query would not be the one meant).
    `kept`: compiled to be kept and run again (no date may sit in it); else run once, now."""

    def __init__(self, queryset, connection, placeholders: dict, optional=(), kept=True):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.names = [alias for _, _, alias in compiler.select]
        self.converters = compiler.get_converters([s[0] for s in compiler.select])
        forms = {}
        for name, value in placeholders.items():
            forms.update({value: (name, _same), value.hex: (name, _hex), str(value): (name, str)})
        self.slots = {n: forms[value] for n, value in enumerate(params)
                      if isinstance(value, uuid.UUID | str) and value in forms}  # fmt: skip
        missing = set(placeholders) - set(optional) - {name for name, _ in self.slots.values()}
        if missing:
            raise RuntimeError(f"the prepared SQL lost its parameters {sorted(missing)}")
        # Every other parameter stays as compiled for the connection's life (hours, across
        # midnight): a date there ("today") would silently go stale, so none is allowed.
        frozen = [value for n, value in enumerate(params)
                  if kept and n not in self.slots and _dated(value)]  # fmt: skip
        if frozen:
            raise RuntimeError(f"a date would be frozen into the prepared SQL: {frozen}")
        self.params = list(params)

    def bind(self, **ids) -> list:
        params = list(self.params)
        for n, (name, form) in self.slots.items():
            params[n] = form(ids[name])
        return params

    def convert(self, rows, connection) -> list[dict]:
        """Django's own converters (dates, datetimes, UUIDs read back), as a queryset would."""
        out = []
        for row in rows:
            row = list(row)
            for n, (converters, expression) in self.converters.items():
                for converter in converters:
                    row[n] = converter(row[n], expression, connection)
            out.append(dict(zip(self.names, row, strict=True)))
        return out


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # how SQLite's adapter passes dates


def _dated(value) -> bool:
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(_ISO_DATE.match(value)))


def _same(value):
    return value


def _hex(value):
    return value.hex


class Prepared:
    """`build(**placeholder ids)` -> a values() queryset; compiled once per connection."""

    def __init__(self, build, *names: str, model=None):
        self._build = build
        self._placeholders = {name: placeholder(n) for n, name in enumerate(names, start=1)}
        self._model = model
        self._compiled = weakref.WeakKeyDictionary()  # connection -> Compiled

    def compiled(self, connection) -> Compiled:
        compiled = self._compiled.get(connection)
        if compiled is None:
            queryset = self._build(**self._placeholders)
            compiled = self._compiled[connection] = Compiled(
                queryset, connection, self._placeholders
            )
        return compiled

    def connection(self):
        model = self._model
        return connections[router.db_for_read(model) if model else "default"]

    def rows(self, **ids) -> list[dict]:
        connection = self.connection()
        compiled = self.compiled(connection)
        with cursor(connection) as cursor_:
            cursor_.execute(compiled.sql, compiled.bind(**ids))
            rows = cursor_.fetchall()
        return compiled.convert(rows, connection)


# A prepared statement is made only when asked (each execute of `cursor`), never by count.
_ONLY_WHEN_ASKED = 2**31


def cursor(connection):
    """A cursor for the fixed SQL of this module: Django's own (logged, wrapped and counted as
    every query is), which on PostgreSQL binds the parameters on the server and runs the SQL as a
    statement prepared once per connection – the same SQL every request, so PostgreSQL plans it
    once (a generic plan by id) instead of for each request (issue 19: the family timeline
    planned in 6 ms and ran in 1). Django's other queries keep its client-side binding."""
    if connection.vendor == "sqlite":
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(
                connection.connection.cursor(factory=_qmark_cursor()))
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        preparing = _preparing_cursor()(connection.connection)
        _tz_as_django(connection, preparing)
        return connection._prepare_cursor(preparing)


# The fixed statements' SQL as the driver takes it, per SQL text: this module's statements are
# few and run on every request, and rewriting a few thousand characters of SQL each time cost
# about 0.05 ms a statement (issue 19) – psycopg caches its parse of SQL up to 4,096 characters
# only, Django's SQLite wrapper none. Bounded: a scope's SQL differs by its shape, not its user.
_CONVERTED_MAX = 256


@functools.cache
def _qmark_cursor():
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    class QmarkCached(SQLiteCursorWrapper):
        """Django's SQLite cursor, its "format"-to-"qmark" rewrite of each SQL text kept."""

        def convert_query(self, query, *, param_names=None):
            if param_names is not None:
                return super().convert_query(query, param_names=param_names)
            return _qmark(query)

    return QmarkCached


@functools.lru_cache(maxsize=_CONVERTED_MAX)
def _qmark(query: str) -> str:
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    return FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


@functools.lru_cache(maxsize=_CONVERTED_MAX)
def _pg_parsed(query: str, encoding: str) -> tuple:
    """psycopg's parse of a statement (the SQL with $n placeholders, the formats wanted, the
    parts): what its own cache keeps for shorter statements."""
    from psycopg._queries import _query2pg_nocache

    return _query2pg_nocache(query.encode(encoding), encoding)


@functools.cache
def _preparing_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class Preparing(ServerBindingCursor):
        """Each statement prepared (psycopg keeps them per connection, the newest 100). Django
        turns preparing off for the connection (prepare_threshold None): on for this call only."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            connection = self.connection
            threshold = connection.prepare_threshold
            connection.prepare_threshold = _ONLY_WHEN_ASKED if threshold is None else threshold
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            finally:
                connection.prepare_threshold = threshold

        def _convert_query(self, query, params=None):
            # psycopg keeps the SQL it sent for Django's query log (last_executed_query) only
            # when it did not prepare it: keep it here too, so the log names the statement.
            if params is None or not isinstance(query, str):
                converted = super()._convert_query(query, params)
            else:  # as psycopg's PostgresQuery.convert, the parse kept whatever the length
                converted = self._query_cls(self._tx)
                (converted.query, converted._want_formats, converted._order,
                 converted._parts) = _pg_parsed(query, self._tx.encoding)
                converted.dump(params)
            self._query = converted
            return converted

    return Preparing


def _tz_as_django(connection, cursor_) -> None:
    """The time zone Django's create_cursor gives a cursor, where the connection's differs."""
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    if connection.timezone != tzloader.timezone:
        register_tzloader(connection.timezone, cursor_)


# connection -> {key: Compiled}, the newest _SCOPED_MAX kept (a worker sees a few hundred users)
_scoped = weakref.WeakKeyDictionary()
_SCOPED_MAX = 512
_PK = placeholder(1)


def scoped_row_or_404(model, build, pk, *, key, wrap=None) -> dict:
    """The row with this primary key of the scoped values() queryset of `model` that `build()`
    makes, as get_visible_or_404 (access.scoping) finds it: out of scope, missing and malformed
    ids all a 404. Its SQL –
    the scope's included – compiled once per connection and `key`, which must name everything
    the SQL depends on (the query's shape and access.scoping.scope_key(user)), and the id bound
    as a parameter. Composing a scoped values() queryset and compiling it took longer than
    reading the row (issue 19); the scope is still tested in the query, every time.
    `wrap(sql, params) -> (sql, params)`: the statement run around the row's SELECT, returning
    its columns (core.audited_read: the read's audit row written in the same statement)."""
    connection_ = connections[router.db_for_read(model)]
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError as exc:  # a malformed id: as a missing one
        raise Http404("Not found") from exc
    per_connection = _scoped.setdefault(connection_, OrderedDict())
    compiled = per_connection.get(key)
    if compiled is None:
        try:
            compiled = Compiled(build().filter(pk=_PK)[:1], connection_, {"pk": _PK}, kept=False)
        except EmptyResultSet:  # a user with no casework: Django's none()
            compiled = None
        per_connection[key] = compiled
        if len(per_connection) > _SCOPED_MAX:
            per_connection.popitem(last=False)
    else:
        per_connection.move_to_end(key)
    if compiled is None:
        raise Http404("Not found")
    sql, params = compiled.sql, compiled.bind(pk=pk)
    if wrap is not None:
        sql, params = wrap(sql, params)
    with cursor(connection_) as cursor_:
        cursor_.execute(sql, params)
        rows = cursor_.fetchall()
    if not rows:
        raise Http404("Not found")
    return compiled.convert(rows, connection_)[0]


def fields_of(model, prefix: str = "") -> list[str]:
    """The names values() takes for every concrete column of a model (under a relation's
    prefix), in the order Model.from_db wants them."""
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def instance(model, row: dict, prefix: str = "", db: str = "default", fields=None):
    """A model instance from a values() row read with fields_of(model, prefix); None when the
    row has no such related row (a nullable relation: its primary key is NULL). `fields`: the
    attnames read, the primary key's among them, when not every column was – the others are
    deferred, as only() leaves them (read from the database if ever asked for)."""
    names, pk_at = _attnames(model) if fields is None else _named(model, fields)
    values = [row[f"{prefix}{name}"] for name in names]
    if prefix and values[pk_at] is None:
        return None
    return loaded(model, names, values, db)


@functools.cache
def _attnames(model) -> tuple[list[str], int]:
    names = [field.attname for field in model._meta.concrete_fields]
    return names, names.index(model._meta.pk.attname)


@functools.cache
def _named(model, fields: tuple) -> tuple[list[str], int]:
    """`fields` in the model's order, as Model.from_db takes a part of a row (a caller's order
    would put values in the wrong fields of a model whose from_db is its own)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in fields]
    if len(names) != len(set(fields)):
        unknown = sorted(set(fields) - set(names))
        raise ValueError(f"{model.__name__} has no fields {unknown}")
    return names, names.index(model._meta.pk.attname)


def loaded(model, names: list, values: list, db: str = "default"):
    """model.from_db(db, names, values) (the fields not named left deferred), without
    Model.__init__'s per-field work where it would only store them (`plain_init`): a tenth of
    the time, for pages that make a few dozen instances per request (issue 19)."""
    if not plain_init(model):
        return model.from_db(db, names, values)
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, db
    return obj


@functools.cache
def plain_init(model) -> bool:
    """Whether Model.__init__ would only store `model`'s field values: the model overrides
    neither __init__ nor from_db, nothing listens for its init signals (connected when models
    load) and no field has an attribute of its own (a file field's, say)."""
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    own_init = model.__init__ is not models.Model.__init__
    own_from_db = model.from_db.__func__ is not models.Model.from_db.__func__
    return (not own_init and not own_from_db
            and not pre_init.has_listeners(model) and not post_init.has_listeners(model)
            and all(type(getattr(model, f.attname)) in plain for f in model._meta.concrete_fields))


def related_fields(model, names) -> list[str]:
    """fields_of each named relation's model under its prefix (a select_related for values())."""
    columns = []
    for name in names:
        columns += fields_of(model._meta.get_field(name).related_model, f"{name}__")
    return columns


def instances(model, rows, related=(), db: str = "default") -> list:
    """Instances of `model` from rows read with fields_of(model) and related_fields(model,
    related), each related row cached on it as select_related would."""
    out = []
    for row in rows:
        obj = instance(model, row, db=db)
        for name in related:
            related_model = model._meta.get_field(name).related_model
            obj._state.fields_cache[name] = instance(related_model, row, f"{name}__", db)
        out.append(obj)
    return out


def hang(obj, name: str, model, objects: list) -> None:
    """`objects` cached on `obj` as prefetch_related would: obj.<name>.all() reads them without
    a query."""
    manager = model._default_manager
    cached = manager._queryset_class(model=model, query=_unrun_query(model), using=manager._db)
    cached._result_cache, cached._prefetch_done = objects, True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = cached


@functools.cache
def _unrun_query(model):
    """The Query of `hang`'s QuerySets, shared: one is never run (its results are cached) nor
    changed (every QuerySet method changes a clone) – making a Query per hung list was a good
    part of hanging the episode page's lists (issue 19). It matches no row: a query chained on
    a hung list (filter, first on an unordered one, update, delete) knows nothing of its parent,
    so it finds and changes nothing rather than any other household's rows of the table."""
    return model._default_manager.none().query
