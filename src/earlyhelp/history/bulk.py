"""Bulk writing for the history import: one prepared INSERT per table, in one transaction.

The casework services write one record at a time (validate, insert, audit: several queries
each). For records that are new to earlyhelp – people, households and their memberships, the
import's own source records and audit rows – the import instead checks every record first
(the same field checks the services make, in Python, for all rows) and then inserts each table
in chunks. The audit rows have the content the services would have written; the sealer
(`earlyhelp audit_seal`) chains them like any other."""

import json
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.base import ModelState
from django.utils import timezone

from earlyhelp.core import audit, bulk
from earlyhelp.core.models import AuditAction, AuditEvent
from earlyhelp.core.services import _audited

CHUNK = 5000
SPILL = 50_000  # audit rows staged before an insert: bounds the import's memory
# Values `audit._plain` keeps as they are, told by their exact type (the call per value cost more).
PLAIN = frozenset({str, int, float, bool, type(None)})
STAMP_EVERY = 1000  # rows staged under one timestamp (audit `at`, created_at, imported_at)


class Table:
    """A model's columns as a tuple of Python values, built without a model instance (its
    __init__, descriptors and defaults were a third of the import): the given values, each
    other column's default, and the auto_now stamps set to `now`."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        fields = [f for f in model._meta.concrete_fields
                  if not (f.primary_key and isinstance(f, models.AutoField))]
        self.attnames = [f.attname for f in fields]
        self.pk_attname = model._meta.pk.attname
        self.fill = []  # per column: (attname, stamp?, callable default?, default)
        # Any pre_save but the plain read and the auto_now stamps: instances go the full way.
        self.plain = True
        for f in fields:
            stamp = bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
            if not stamp and type(f).pre_save is not models.Field.pre_save:
                self.plain = False
            default = f.default if f.has_default() else (None if f.null else
                                                         f.get_default())
            if isinstance(default, str):  # a choice's member: its plain value, as saved
                default = str(default)
            self.fill.append((f.attname, stamp, callable(default), default))

        # The row as a copy of the plain defaults with the rest filled in: work per value
        # given, not per column (a generator over every column was a tenth of the import).
        self.index = {name: i for i, name in enumerate(self.attnames)}
        self.base = [None if stamp or call else default
                     for _, stamp, call, default in self.fill]
        self.stamps = [i for i, (_, stamp, _, _) in enumerate(self.fill) if stamp]
        self.calls = [(i, name, default) for i, (name, stamp, call, default)
                      in enumerate(self.fill) if call and not stamp]

    def row(self, values: dict, now) -> list:
        row = self.base.copy()
        for i in self.stamps:
            row[i] = now
        for i, name, default in self.calls:
            if name not in values:
                row[i] = default()
        index = self.index
        for name, value in values.items():
            i = index.get(name)
            if i is not None:
                row[i] = value
        return row

    def instance(self, values: dict, now, related: dict | None = None) -> models.Model:
        """An unsaved instance with the row's values, made without the model's __init__ (its
        keyword handling and descriptors were most of a staged record's cost): for values
        `validation.parse` checked already. `related` ({field name: object}) is cached, so
        reading e.g. `episode.family` makes no query."""
        instance = self.model.__new__(self.model)
        attributes = instance.__dict__
        attributes.update(zip(self.attnames, self.row(values, now), strict=True))
        attributes.setdefault(self.pk_attname, None)  # an auto-numbered key: the database's
        instance._state = ModelState()
        if related:
            instance._state.fields_cache.update(related)
        return instance

    def of(self, instance, now) -> tuple:
        """An instance's row as `save` would write it: its values, the stamps set to `now`."""
        return tuple(now if stamp else getattr(instance, name)
                     for name, stamp, _, _ in self.fill)


AUDIT_COLUMNS = ["at", "user_id", "username", "action", "object_type", "object_id",
                 "family_id", "person_id", "changes", "reason", "detail", "ip_address",
                 "seq", "previous_hash", "hash"]


class Staged:
    """Records waiting to be inserted, per model, and the audit rows that describe them.

    Staged records are inserted whenever SPILL audit rows are waiting (and at each stage's
    end), all in the import's one transaction: memory stays bounded however large the extract
    (foreign keys are checked at the commit, so a row may go in before the one it names).
    Models in `held` – records the import still changes after staging them (an episode it
    opens and later closes) – wait for the stage's end. Rows that nothing reads back (source
    records, link rows, audit rows) are staged as tuples (`row`, `audit`), not instances."""

    def __init__(self, report: Callable[[str], None] | None, user=None):
        self.records: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.rows: dict[type[models.Model], list[tuple]] = defaultdict(list)
        self.tables: dict[type[models.Model], Table] = {}
        self.events: list[tuple] = []
        self.held: set[type[models.Model]] = set()
        self.report = report
        self.started = time.perf_counter()
        is_user = user is not None and getattr(user, "is_authenticated", False)
        self.user_id = user.pk if is_user else None
        self.username = user.get_username() if is_user else ""
        self.audited: dict[type[models.Model], list[tuple[str, str]]] = {}
        self.stamped, self.now = 0, timezone.now()
        self.templates: dict[tuple, list[str]] = {}

    def _stamp(self):
        """`now`, read again every STAMP_EVERY rows (the clock per row cost more than the row)."""
        self.stamped += 1
        if self.stamped >= STAMP_EVERY:
            self.stamped, self.now = 0, timezone.now()
        return self.now

    def create(self, instance, *, acting_user, family_id=None, person_id=None) -> None:
        """Stage a new record with the same stamps and audit row as `core.services.create`."""
        if (hasattr(instance, "created_by_id") and acting_user is not None
                and instance.created_by_id != acting_user.pk):  # `build` set it already
            instance.created_by = acting_user
            instance.modified_by = acting_user
        self.records[type(instance)].append(instance)
        fields = self.audited.get(type(instance))
        if fields is None:  # creation_event's fields, once per model
            fields = self.audited[type(instance)] = [(f.name, f.attname)
                                                     for f in _audited(instance)]
        self.audit(AuditAction.CREATE.value, instance._meta.label_lower, str(instance.pk),
                   family_id, person_id,
                   {name: v if type(v := getattr(instance, attname)) in PLAIN
                    else audit._plain(v) for name, attname in fields}, "")

    def new(self, model: type[models.Model], values: dict, *, acting_user, family_id=None,
            person_id=None) -> dict:
        """`create` without an instance, for records nothing reads back as one: every column's
        value (given, else the default; created/modified by `acting_user`) and the creation's
        audit row. Stage the (perhaps changed) values with `row(model, **values)`."""
        table = self._table(model)
        if "created_by_id" in table.attnames and acting_user is not None:
            values["created_by_id"] = values["modified_by_id"] = acting_user.pk
        values = dict(zip(table.attnames, table.row(values, self._stamp()), strict=True))
        fields = self.audited.get(model)
        if fields is None:
            fields = self.audited[model] = [(f.name, f.attname)
                                            for f in _audited(model(pk=values["id"]))]
        self.audit(AuditAction.CREATE.value, model._meta.label_lower, str(values["id"]),
                   family_id, person_id, {name: v if type(v := values[attname]) in PLAIN
                                          else audit._plain(v)
                                          for name, attname in fields}, "")
        return values

    def build(self, model: type[models.Model], values: dict, *, acting_user,
              related: dict | None = None) -> models.Model:
        """A new record of checked values as an unsaved instance (`Table.instance`), created
        and modified by `acting_user`; stage it with `create`."""
        table = self._table(model)
        if "created_by_id" in table.attnames and acting_user is not None:
            values["created_by_id"] = values["modified_by_id"] = acting_user.pk
            related = {**(related or {}), "created_by": acting_user, "modified_by": acting_user}
        return table.instance(values, self._stamp(), related)

    def add(self, instance) -> None:
        """Stage a record that has no audit row of its own (e.g. a review row)."""
        self.records[type(instance)].append(instance)

    def row(self, model: type[models.Model], **values) -> None:
        """Stage a row of `model` with no audit row of its own (a source record, a link row)
        as a tuple: given values (attnames), defaults for the rest."""
        self.rows[model].append(self._table(model).row(values, self._stamp()))

    def _table(self, model) -> Table:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = Table(model)
        return table

    def audit(self, action, object_type: str, object_id: str, family_id, person_id,
              changes: dict, reason: str, detail: str = "") -> None:
        """The row `audit.build` makes for the importing user, as a tuple (AUDIT_COLUMNS)."""
        self.events.append((self._stamp(), self.user_id, self.username, action, object_type,
                            object_id, family_id, person_id, changes or {}, reason,
                            detail[:300], None, None, "", ""))
        if len(self.events) >= SPILL:
            self._insert(keep=self.held)

    def changes(self, shape: tuple, values: dict, varying: str) -> bulk.JSONText:
        """An audit row's changes as JSON text, encoded once per `shape`: the fixed `values`
        with the one `varying` value spliced in (what json.dumps of the whole would write)."""
        template = self.templates.get(shape)
        if template is None:
            text = json.dumps({**values, varying: "\0"})
            template = self.templates[shape] = text.split(json.dumps("\0"))
            if len(template) != 2:  # a fixed value holds the marker itself: no template
                template = self.templates[shape] = []
        if not template:
            return bulk.JSONText(json.dumps({**values, varying: values[varying]}))
        return bulk.JSONText(json.dumps(values[varying]).join(template))

    def _insert(self, keep=frozenset()) -> None:
        for model in list(self.records):
            if model in keep:
                continue
            instances = self.records.pop(model)
            # One prepared INSERT run over every row (core.bulk): bulk_create compiles its SQL
            # again for every batch, which cost more than the rows (a third of the import).
            table = self._table(model)
            if table.plain:  # the created/modified stamps: one time for the insert
                now = timezone.now()
                bulk.insert_values(model, table.attnames,
                                   [table.of(instance, now) for instance in instances],
                                   batch_size=CHUNK)
            else:
                bulk.insert_rows(model, instances, batch_size=CHUNK)
            for instance in instances:  # saved, as bulk_create would leave them
                instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
        for model in list(self.rows):
            bulk.insert_values(model, self.tables[model].attnames, self.rows.pop(model),
                               batch_size=CHUNK)
        bulk.insert_values(AuditEvent, AUDIT_COLUMNS, self.events, batch_size=CHUNK)
        self.events = []

    def flush(self, what: str, rows: int) -> None:
        """Insert everything staged, then the audit rows; say how many rows of the extract
        that was and how fast."""
        self._insert()
        self.held = set()
        seconds = time.perf_counter() - self.started
        if self.report:
            self.report(f"{what}: {rows:,} rows in {seconds:.1f} s "
                        f"({rows / seconds if seconds else 0:,.0f} rows/s)")
        self.started = time.perf_counter()
