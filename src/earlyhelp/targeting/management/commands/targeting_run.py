"""Carry out a targeting run now: `earlyhelp targeting_run [--date 2026-03-31] [--retrain]`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.errors import IllegalMove
from earlyhelp.targeting import services
from earlyhelp.targeting.models import Backend, CriteriaSet
from earlyhelp.targeting.pipeline import run as pipeline_run


class Command(BaseCommand):
    help = (
        "Link every active source batch and the people in earlyhelp, group households, apply "
        "the criteria and produce cohorts – in this process, printing progress."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="reference date for the criteria windows (default: today)",
        )
        parser.add_argument("--backend", choices=[b.value for b in Backend], default="duckdb")
        parser.add_argument(
            "--retrain", action="store_true", help="estimate a new version of the linkage model"
        )
        parser.add_argument("--criteria", nargs="*", help="criteria set codes (default: all)")

    def handle(self, *args, date=None, backend="duckdb", retrain=False, criteria=None, **options):
        sets = None
        if criteria:
            sets = list(CriteriaSet.objects.filter(code__in=criteria))
            missing = set(criteria) - {s.code for s in sets}
            if missing:
                raise CommandError(f"Unknown criteria set(s): {', '.join(sorted(missing))}")
        try:
            run = services.run_start(
                acting_user=None,
                reference_date=date,
                backend=backend,
                retrain=retrain,
                criteria_sets=sets,
                enqueue=False,
            )
        except IllegalMove as exc:
            raise CommandError(exc.message) from None
        try:
            run = pipeline_run.execute(run, echo=self.stdout.write)
        except Exception as exc:
            raise CommandError(f"The run failed: {exc}") from exc
        stats = run.stats
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk} finished: {stats['records']:,} records, {stats['profiles']:,} "
                f"profiles, {stats['people']:,} people, {stats['households']:,} households, "
                f"{stats['clerical_review_queued']:,} pairs for clerical review."
            )
        )
        for code, figures in stats["cohort"].items():
            self.stdout.write(
                f"  {code}: {figures['eligible']:,} eligible families "
                f"({figures['meeting_any']:,} meeting at least one criterion)"
            )
