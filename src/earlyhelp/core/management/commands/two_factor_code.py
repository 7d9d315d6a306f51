"""Print the current two-factor code of a demo user (the synthetic borough only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.security import two_factor


class Command(BaseCommand):
    help = "Print the current two-factor code of a DEMO user (only with DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: codes are printed only on a demo machine (DEBUG on).")
        user = get_user_model().objects.filter(username=options["username"]).first()
        device = two_factor.demo_device(user) if user else None
        if device is None:
            raise CommandError(
                f"Refused: {options['username']!r} is not a demo user. Codes are printed only "
                "for the demo borough's users."
            )
        self.stdout.write(two_factor.current_code(device))
