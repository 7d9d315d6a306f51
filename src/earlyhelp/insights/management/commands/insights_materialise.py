"""earlyhelp insights_materialise: today's dashboard figures, kept for the day (nightly job)."""

from django.core.management.base import BaseCommand

from earlyhelp.insights import services


class Command(BaseCommand):
    help = (
        "Work out the whole dashboard (current month, quarter and financial year) for the "
        "borough and each council service, and keep it for the day: the dashboard page reads it."
    )

    def handle(self, *args, **options):
        written = services.materialise_dashboards()
        self.stdout.write(f"{written} dashboard snapshots written")
