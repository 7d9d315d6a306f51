"""The nightly check of state kept by the services beside its source rows (an episode's journey
state and weighting counts, Annex A's rows): compare, list what differs, exit 1 – and with --fix
set it right in the same transaction, still reporting what was wrong."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

SHOWN = 50  # differences listed; the count says how many there were in all


class DerivedStateCheck(BaseCommand):
    """Subclasses give `consistent` (the message when nothing differs) and implement
    `differences()`, `correct()` and `describe(difference)` (one line for stderr)."""

    consistent = ""

    def differences(self) -> list:
        raise NotImplementedError

    def correct(self) -> None:
        raise NotImplementedError

    def describe(self, difference) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="correct the differences found")

    def handle(self, *args, fix=False, **options):
        with transaction.atomic():
            found = self.differences()
            if fix and found:
                self.correct()
        if not found:
            self.stdout.write(self.consistent)
            return
        for difference in found[:SHOWN]:
            self.stderr.write(self.describe(difference))
        more = f" (first {SHOWN} shown)" if len(found) > SHOWN else ""
        done = " Corrected." if fix else " Run with --fix to correct them."
        self.stderr.write(f"{len(found)} differences{more}.{done}")
        sys.exit(1)
