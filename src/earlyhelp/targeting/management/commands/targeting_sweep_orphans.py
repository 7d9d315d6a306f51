"""Remove staged import files no batch points to: `earlyhelp targeting_sweep_orphans`.

Run it on a schedule (e.g. hourly): an import killed part-way leaves a file of personal data
that is outside retention and audit until swept. Imports also sweep when they start.
"""

from django.core.management.base import BaseCommand

from earlyhelp.targeting.services import sweep_orphans


class Command(BaseCommand):
    help = "Remove staged import files that no batch points to; finish interrupted imports."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-seconds",
            type=float,
            default=3600,
            help="leave alone a named batch file younger than this with no row (default 3600)",
        )

    def handle(self, *args, grace_seconds, **options):
        found = sweep_orphans(grace_seconds=grace_seconds)
        self.stdout.write(
            f"Removed {found['removed']:,} orphan file(s); completed {found['completed']:,} "
            "interrupted import(s)."
        )
