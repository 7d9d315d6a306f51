"""Verify the audit trail's hash chain; exit 1 and name the first broken row if it is not whole."""

import sys

from django.core.management.base import BaseCommand

from earlyhelp.core.audit import verify_chain


class Command(BaseCommand):
    help = "Check that no audit row has been changed, removed or inserted (the hash chain)."

    def handle(self, *args, **options):
        check = verify_chain()
        if check.ok:
            self.stdout.write(f"Audit trail intact: {check.rows_checked} rows checked.")
            return
        self.stderr.write(
            f"Audit trail BROKEN at row {check.first_broken_id}: {check.problem}. "
            f"The {check.rows_checked} rows before it are intact."
        )
        sys.exit(1)
