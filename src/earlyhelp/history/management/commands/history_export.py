"""`earlyhelp history_export DIR --user NAME`: write the SSD tables as CSV files."""

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.models import User
from earlyhelp.history.exports import history_export


class Command(BaseCommand):
    help = "Export people, families, contacts and episodes as Standard Safeguarding Dataset CSVs."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--user", required=True, help="the manager the export is done as")

    def handle(self, *args, directory, user, **options):
        acting_user = User.objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"No active user '{user}'")
        counts = history_export(directory=directory, acting_user=acting_user)
        for name, n in counts.items():
            self.stdout.write(f"{name}.csv: {n:,} rows")
