"""Check every attached family's outcomes: `earlyhelp results_check_outcomes --user NAME
[--date 2026-03-31]`. Meant to run after each targeting run (or nightly)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.dates import today
from earlyhelp.core.models import User
from earlyhelp.results import services


class Command(BaseCommand):
    help = "Judge every need of every family on an open programme against the linked records."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True,
                            help="the analyst the checks are recorded against")
        parser.add_argument("--date", type=dt.date.fromisoformat,
                            help="check as on this date (default today)")

    def handle(self, *args, user, date=None, **options):
        acting = User.objects.filter(username=user, is_active=True).first()
        if acting is None:
            raise CommandError(f"No active user {user!r}")
        try:
            counts = services.check_programme(user=acting, reference=date or today())
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(self.style.SUCCESS(
            f"Checked {counts['families']} families ({counts['needs']} needs) against "
            + (f"run {counts['run']}" if counts["run"] else "casework only (no targeting run)")
            + f": {counts['claimable']} claimable, {counts['not_linked']} not in the "
            "linked records."))
