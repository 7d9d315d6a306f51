"""Check each episode's stored journey state against its source rows (cases.state); exit 1 and
list the differences if any. --fix sets them right (and still reports what was wrong)."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from earlyhelp.cases import state

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Recompute every episode's next review date and assessment state from its reviews, "
        "plans and assessments, and report where the stored columns differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="correct the differences found")

    def handle(self, *args, fix=False, **options):
        with transaction.atomic():
            found = state.differences()
            if fix and found:
                state.correct()
        if not found:
            self.stdout.write("Episode state consistent with reviews, plans and assessments.")
            return
        for reference, field, stored, derived in found[:SHOWN]:
            self.stderr.write(f"{reference} {field}: stored {stored}, source rows say {derived}")
        more = f" (first {SHOWN} shown)" if len(found) > SHOWN else ""
        done = " Corrected." if fix else " Run with --fix to correct them."
        self.stderr.write(f"{len(found)} differences{more}.{done}")
        sys.exit(1)
