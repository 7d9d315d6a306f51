"""Export everything held about a person – records and the audit of access – as a readable
file (Markdown, or HTML when the file name ends .html). The export is itself audited."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.governance.subject_access.export import subject_access_export


class Command(BaseCommand):
    help = "Write a subject access request file for one person (records and audit of access)."

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, help="the person's id (UUID)")
        parser.add_argument("--out", required=True, help="file to write: .md or .html")
        parser.add_argument(
            "--by", required=True, help="username of the person making the export (audited)"
        )
        parser.add_argument(
            "--reason", default="subject access request", help="why, e.g. the request's reference"
        )

    def handle(self, *args, **options):
        from earlyhelp.people.models import Person

        try:
            person = Person.objects.get(pk=options["person"])
        except (Person.DoesNotExist, ValidationError, ValueError) as exc:
            raise CommandError(f"No person with id {options['person']}") from exc
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['by']!r} (give --by USERNAME)")
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist")

        report = subject_access_export(person=person, user=user, out=out, reason=options["reason"])
        self.stdout.write(
            f"Wrote {out} – {report.record_count} records and {report.audit_count} audit rows "
            f"about {person.full_name}. Review and redact third-party information before release."
        )
