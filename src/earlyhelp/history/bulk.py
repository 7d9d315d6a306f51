"""Bulk writing for the history import: one prepared INSERT per table, in one transaction.

The casework services write one record at a time (validate, insert, audit: several queries
each). For records that are new to earlyhelp – people, households and their memberships, the
import's own source records and audit rows – the import instead checks every record first
(the same field checks the services make, in Python, for all rows) and then inserts each table
in chunks. The audit rows have the content the services would have written; the sealer
(`earlyhelp audit_seal`) chains them like any other."""

import time
from collections import defaultdict
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, models

from earlyhelp.core import audit, bulk
from earlyhelp.core.services import creation_event

CHUNK = 5000
SPILL = 50_000  # audit rows staged before an insert: bounds the import's memory


class Staged:
    """Records waiting to be inserted, per model, and the audit rows that describe them.

    Staged records are inserted whenever SPILL audit rows are waiting (and at each stage's
    end), all in the import's one transaction: memory stays bounded however large the extract
    (foreign keys are checked at the commit, so a row may go in before the one it names).
    Models in `held` – records the import still changes after staging them (an episode it
    opens and later closes) – wait for the stage's end."""

    def __init__(self, report: Callable[[str], None] | None):
        self.records: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.events: list = []
        self.held: set[type[models.Model]] = set()
        self.report = report
        self.started = time.perf_counter()

    def create(self, instance, *, acting_user, family_id=None, person_id=None) -> None:
        """Stage a new record with the same stamps and audit row as `core.services.create`."""
        if hasattr(instance, "created_by_id") and acting_user is not None:
            instance.created_by = acting_user
            instance.modified_by = acting_user
        self.records[type(instance)].append(instance)
        self.event(creation_event(instance, acting_user=acting_user,
                                  family_id=family_id, person_id=person_id))

    def add(self, instance) -> None:
        """Stage a record that has no audit row of its own (e.g. a source record)."""
        self.records[type(instance)].append(instance)

    def event(self, event) -> None:
        self.events.append(event)
        if len(self.events) >= SPILL:
            self._insert(keep=self.held)

    def _insert(self, keep=frozenset()) -> None:
        for model in list(self.records):
            if model in keep:
                continue
            instances = self.records.pop(model)
            # One prepared INSERT run over every row (core.bulk): bulk_create compiles its SQL
            # again for every batch, which cost more than the rows (a third of the import).
            bulk.insert_rows(model, instances, batch_size=CHUNK)
            for instance in instances:  # saved, as bulk_create would leave them
                instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
        audit.record_many(self.events, batch_size=CHUNK)
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
