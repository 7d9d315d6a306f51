"""Bulk writing for the history import: many rows per INSERT, inside the import's transaction.

The casework services write one record at a time (validate, insert, audit: several queries
each). For records that are new to earlyhelp – people, households and their memberships, the
import's own source records and audit rows – the import instead checks every record first
(the same field checks the services make, in Python, for all rows) and then inserts each table
in chunks. The audit rows have the content the services would have written; the sealer
(`earlyhelp audit_seal`) chains them like any other."""

import time
from collections import defaultdict
from collections.abc import Callable

from django.db import models

from earlyhelp.core import audit
from earlyhelp.core.services import creation_event

CHUNK = 1000


class Staged:
    """Records waiting to be inserted, per model, and the audit rows that describe them."""

    def __init__(self, report: Callable[[str], None] | None):
        self.records: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.events: list = []
        self.report = report
        self.started = time.perf_counter()

    def create(self, instance, *, acting_user, family_id=None, person_id=None) -> None:
        """Stage a new record with the same stamps and audit row as `core.services.create`."""
        if hasattr(instance, "created_by_id") and acting_user is not None:
            instance.created_by = acting_user
            instance.modified_by = acting_user
        self.records[type(instance)].append(instance)
        self.events.append(creation_event(instance, acting_user=acting_user,
                                          family_id=family_id, person_id=person_id))

    def add(self, instance) -> None:
        """Stage a record that has no audit row of its own (e.g. a source record)."""
        self.records[type(instance)].append(instance)

    def event(self, event) -> None:
        self.events.append(event)

    def flush(self, what: str, rows: int) -> None:
        """Insert everything staged, in model order of staging (parents first), then the audit
        rows; say how many rows of the extract that was and how fast."""
        for model, instances in self.records.items():
            model.objects.bulk_create(instances, batch_size=CHUNK)
        audit.record_many(self.events, batch_size=CHUNK)
        self.records.clear()
        self.events = []
        seconds = time.perf_counter() - self.started
        if self.report:
            self.report(f"{what}: {rows:,} rows in {seconds:.1f} s "
                        f"({rows / seconds if seconds else 0:,.0f} rows/s)")
        self.started = time.perf_counter()
