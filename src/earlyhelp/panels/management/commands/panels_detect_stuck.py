"""Find stuck cases and bring each to the next meeting of its panel (once)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Bring stuck cases (no progress, reviews overdue, no lead, referral declined) to panels."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="check as on this date (YYYY-MM-DD); default today")
        parser.add_argument(
            "--enqueue", action="store_true", help="run it as a background task instead of now"
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        if options["enqueue"]:
            from earlyhelp.panels.tasks import detect_stuck_cases_task

            result = detect_stuck_cases_task.enqueue(today.isoformat() if today else None)
            self.stdout.write(f"Queued task {result.id}")
            return
        from earlyhelp.panels.services.detection import detect_stuck_cases

        result = detect_stuck_cases(today=today)
        self.stdout.write(
            f"Checked open episodes on {result.checked_on}: {result.stuck} stuck; "
            f"{len(result.brought)} brought to a panel; {result.already_waiting} already waiting; "
            f"{result.recently_decided} decided recently; {result.no_panel} with no panel to "
            "take them."
        )
