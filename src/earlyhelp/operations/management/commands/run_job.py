"""`earlyhelp run_job NAME`: run one scheduled job now, recorded like a scheduled run."""

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.operations import scheduler
from earlyhelp.operations.jobs import JOBS
from earlyhelp.operations.models import Outcome


class Command(BaseCommand):
    help = "Run one scheduled job now; its run shows on the jobs page like any other."

    def add_arguments(self, parser):
        parser.add_argument("name", help=", ".join(job.name for job in JOBS))

    def handle(self, *args, **options):
        job = next((j for j in JOBS if j.name == options["name"]), None)
        if job is None:
            raise CommandError(
                f"No job {options['name']!r}. Jobs: {', '.join(j.name for j in JOBS)}"
            )
        scheduler.sync()
        run = scheduler.execute(job)
        self.stdout.write(run.output.rstrip())
        if run.outcome != Outcome.SUCCEEDED:
            raise CommandError(f"{job.name} failed")
        self.stdout.write(f"{job.name}: {run.outcome}")
