"""Import a source file: `earlyhelp targeting_import SOURCE_TYPE FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.targeting import services
from earlyhelp.targeting.imports import ImportRefused
from earlyhelp.targeting.sources import SOURCE_TYPES


class Command(BaseCommand):
    help = "Check a CSV or XLSX file against its source schema and stage it as a batch."

    def add_arguments(self, parser):
        parser.add_argument("source_type", choices=sorted(SOURCE_TYPES))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--errors-csv", type=Path, help="also write every problem found to this CSV file"
        )

    def handle(self, *args, source_type, file, errors_csv=None, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist")

        def progress(message):
            self.stderr.write(f"  {message}")

        try:
            batch = services.import_batch(source_type=source_type, path=file, progress=progress)
        except ImportRefused as refused:
            for error in refused.errors:
                self.stdout.write(str(error))
            if errors_csv and refused.errors:
                import csv

                with open(errors_csv, "w", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(["row", "column", "reason"])
                    writer.writerows((e.row or "", e.column, e.reason) for e in refused.errors)
            raise CommandError(str(refused)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {batch.rows:,} rows of {batch.get_source_type_display()} from "
                f"{batch.file_name} as batch {batch.pk} (SHA-256 {batch.sha256[:12]}…)"
            )
        )
