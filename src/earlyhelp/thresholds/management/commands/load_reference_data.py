"""Create any missing shipped threshold models and needs themes (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from earlyhelp.thresholds.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Create the shipped threshold models (levels, domains, indicators) and needs themes that "
        "are missing. Existing rows, including an administrator's edits, are left as they are."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            created = load_reference_data()
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(f"Reference data loaded; created {summary}.")
