"""Import Open Referral UK JSON into the directory: every record valid, or nothing written."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.models import User
from earlyhelp.directory.openreferral.importer import import_directory


class Command(BaseCommand):
    help = "Import services from Open Referral UK JSON (a list, or a /services page)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--username", required=True, help="the administrator importing")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}")
        try:
            with open(options["path"], encoding="utf-8") as handle:
                payload = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['path']}: {exc}") from exc
        result = import_directory(payload, acting_user=user, dry_run=options["dry_run"])
        for warning in result.warnings:
            self.stdout.write(f"Warning: {warning}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            self.stderr.write(f"Nothing imported: {len(result.problems)} problem(s).")
            sys.exit(1)
        verb = "Would import" if result.dry_run else "Imported"
        self.stdout.write(f"{verb} {result.created} new and {result.updated} updated services.")
