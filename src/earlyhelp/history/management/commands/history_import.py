"""`earlyhelp history_import DIR --user NAME --source-system NAME`: load SSD CSV tables."""

import sys
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.models import User
from earlyhelp.history import services


class Command(BaseCommand):
    help = "Import history from a directory of SSD CSV tables: all of it, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--user", required=True,
                            help="the administrator or team manager the import is done as")
        parser.add_argument("--source-system", required=True,
                            help="the system the extract came from, e.g. 'Mosaic'")

    def handle(self, *args, directory, user, source_system, **options):
        acting_user = User.objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"No active user '{user}'")

        started = time.perf_counter()

        def progress(done, total):
            seconds = time.perf_counter() - started
            self.stderr.write(f"  {done:,} of {total:,} rows ({100 * done // total}%, "
                              f"{done / seconds if seconds else 0:,.0f} rows/s)")

        try:
            result = services.history_import(source=directory, acting_user=acting_user,
                                             source_system=source_system, progress=progress,
                                             report=lambda line: self.stdout.write("  " + line))
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from refused
        if not result.ok:
            for problem in result.problems:
                self.stdout.write(str(problem))
            self.stdout.write(f"{len(result.problems)} problem(s): nothing was imported.")
            sys.exit(1)
        self.stdout.write(
            f"Imported {result.rows:,} rows from {source_system}: "
            + ", ".join(f"{n} {what} created" for what, n in sorted(result.created.items()))
            + (", " + ", ".join(f"{n} {what} updated" for what, n in sorted(result.updated.items()))
               if result.updated else "")
            + f"; {result.matched} people matched by identifier; "
            f"{result.reviews} doubtful match(es) to review."
        )
