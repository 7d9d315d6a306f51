"""earlyhelp annex_a --date YYYY-MM-DD --out FILE: Ofsted Annex A Lists 1 and 2 as XLSX."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.insights import annexa, services


class Command(BaseCommand):
    help = (
        "Write Ofsted Annex A List 1 (contacts) and List 2 (early help) for an inspection date "
        "to an XLSX file. The export is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="the inspection date, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="the XLSX file to write")
        parser.add_argument(
            "--layout", choices=list(annexa.LAYOUTS), default=annexa.LAYOUT_2026,
            help="2026 (a 'Sex' column, the default) or pre2026 (a 'Gender' column)",
        )
        parser.add_argument("--lists", default="1,2", help="which lists: 1, 2 or 1,2")
        parser.add_argument(
            "--user", default="",
            help="the username the export is recorded against (a manager or analyst); "
                 "without it the audit row names the command line",
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user called '{options['user']}'.")
        lists = [part.strip() for part in options["lists"].split(",") if part.strip()]
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")
        try:
            result = services.annex_a_export(
                acting_user=user, inspection_date=options["date"], layout=options["layout"],
                lists=lists, via="command line",
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(m for messages in error.message_dict.values() for m in messages)
            ) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        out.write_bytes(result.content)
        self.stdout.write(
            f"Wrote {out}: List 1 {result.list_1_rows} rows, List 2 {result.list_2_rows} rows."
        )
