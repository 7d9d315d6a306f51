"""`earlyhelp scheduler`: run the periodic jobs (operations/jobs.py) when they are due."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.utils import timezone

from earlyhelp.operations import scheduler


class Command(BaseCommand):
    help = "Run the periodic jobs when due (stuck cases, retention review, ...); --once for cron."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--interval", type=float, default=20, help="seconds between checks")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, **options):
        if options["list"]:
            for row in scheduler.sync().values():
                last = row.last_outcome or "never run"
                upcoming = timezone.localtime(row.next_run_at)
                self.stdout.write(
                    f"{row.name:24} {row.schedule:28} next {upcoming:%Y-%m-%d %H:%M}  last: {last}"
                )
            return
        if options["once"]:
            ran = scheduler.run_due()
            self.stdout.write(f"Ran {len(ran)} job(s): {', '.join(ran) or 'none due'}")
            return
        stopped = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopped.set())
        self.stdout.write("Scheduler started.")
        scheduler.loop(interval=options["interval"], stopped=stopped)
        self.stdout.write("Scheduler stopped.")
