"""List the records due for review under the retention rules. Never deletes anything."""

import csv
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction
from earlyhelp.governance import retention


class Command(BaseCommand):
    help = (
        "List records due for review under the retention rules (legal holds shown as held). "
        "Nothing is deleted: a person decides what happens to each record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="judge as at this date (YYYY-MM-DD)")
        parser.add_argument("--csv", help="also write the list to this CSV file")

    def handle(self, *args, **options):
        today = dates.today()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("Give --today as YYYY-MM-DD, e.g. 2031-04-01") from exc
        records = retention.review(today)
        counts = {"due": 0, "held": 0, "check": 0}
        for record in records:
            counts[record.status] += 1
            due = record.due_on.isoformat() if record.due_on else "-"
            note = f"HELD: {record.held_because}" if record.held_because else record.rule
            self.stdout.write(
                f"{record.status.upper():5}  {due:10}  {record.record_type:8}  "
                f"{record.object_id}  {record.label}  ({note})"
            )
        if options["csv"]:
            with open(options["csv"], "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ["status", "due_on", "record_type", "id", "label", "rule", "held_because"]
                )
                for r in records:
                    writer.writerow(
                        [
                            r.status,
                            r.due_on or "",
                            r.record_type,
                            r.object_id,
                            r.label,
                            r.rule,
                            r.held_because,
                        ]
                    )
        audit.record(
            user=None,
            action=AuditAction.EXPORT,
            object_type="core.retentionrule",
            detail=f"retention review as at {today}: {counts['due']} due, {counts['held']} held, "
            f"{counts['check']} to check",
        )
        self.stdout.write(
            f"{counts['due']} record(s) due for review, {counts['held']} held, "
            f"{counts['check']} to check by hand, as at {today.day} {today:%B %Y}. "
            "Nothing was deleted."
        )
