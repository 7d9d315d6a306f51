"""`earlyhelp backup`: the database and the kept files in one dated archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or SQLite's online backup) and the kept "
        "files into one dated archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", help="folder for the archive (default EARLYHELP_BACKUP_DIR)")

    def handle(self, *args, **options):
        try:
            archive = backup.backup(Path(options["out"]) if options["out"] else None)
        except backup.BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        size = archive.stat().st_size / 1_000_000
        self.stdout.write(f"Backup written: {archive} ({size:.1f} MB)")
