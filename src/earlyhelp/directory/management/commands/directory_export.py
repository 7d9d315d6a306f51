"""Write the whole directory as Open Referral UK JSON."""

import json

from django.core.management.base import BaseCommand

from earlyhelp.directory.openreferral.export import export_directory


class Command(BaseCommand):
    help = "Export every directory service in the Open Referral UK JSON shape."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        body = json.dumps(export_directory(), indent=2, ensure_ascii=False)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(body)
            self.stdout.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(body)
