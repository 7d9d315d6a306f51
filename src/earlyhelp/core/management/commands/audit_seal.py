"""Seal new audit rows into the hash chain. Run every minute (and before audit_verify)."""

import sys

from django.core.management.base import BaseCommand

from earlyhelp.core.audit import ChainBroken, seal


class Command(BaseCommand):
    help = "Chain every committed, not yet sealed audit row by hash and sign the chain's head."

    def handle(self, *args, **options):
        try:
            result = seal()
        except ChainBroken as error:
            self.stderr.write(
                f"Audit trail NOT sealed: {error}. Run `earlyhelp audit_verify` to find where."
            )
            sys.exit(1)
        # The printed head doubles as an outside record of the chain's end (decision 0002).
        self.stdout.write(
            f"Sealed {result.sealed} rows; chain has {result.sealed_count} rows ending in "
            f"{result.last_hash or '(none)'}."
        )
