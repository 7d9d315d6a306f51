"""`earlyhelp restore ARCHIVE`: into an empty database, then check it against the backup."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database and empty file folders, then check "
        "row counts, a sample of rows, file checksums and the audit trail against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        try:
            result = backup.restore(Path(options["archive"]))
        except backup.BackupError as error:
            raise CommandError(f"Restore refused: {error}") from error
        self.stdout.write(
            f"Restored {result['rows']:,} rows in {result['tables']} tables and "
            f"{result['files']} files."
        )
        if result["problems"]:
            raise CommandError(
                "The restored data does not match the backup:\n  " + "\n  ".join(result["problems"])
            )
        self.stdout.write("Row counts, sampled rows and file checksums match the backup.")
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
