"""Check Annex A's stored rows against the records (insights.annexarows); exit 1 and list the
differences if any. --fix rebuilds them (and still reports what was wrong)."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from earlyhelp.insights import annexarows

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Compare Annex A's stored List 1 and List 2 rows with the contacts, assessments and "
        "people they come from, and report where they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rebuild the rows if they differ")

    def handle(self, *args, fix=False, **options):
        with transaction.atomic():
            found = annexarows.differences()
            if fix and found:
                annexarows.correct()
        if not found:
            self.stdout.write("Annex A rows consistent with contacts, assessments and people.")
            return
        for name, kind, row in found[:SHOWN]:
            what = "stored, not in the records" if kind == "stored" else "missing"
            self.stderr.write(f"{name} {what}: {row}")
        more = f" (first {SHOWN} shown)" if len(found) > SHOWN else ""
        done = " Corrected." if fix else " Run with --fix to correct them."
        self.stderr.write(f"{len(found)} differences{more}.{done}")
        sys.exit(1)
