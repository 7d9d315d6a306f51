"""Link earlyhelp users to their accounts at a sign-in provider, for providers matched on a stable
identifier (Entra ID's `oid`, or `sub`):

    earlyhelp sso_link --provider entra --username jsmith --subject 3f1c…
    earlyhelp sso_link --provider entra --csv links.csv     # columns: username,subject
    earlyhelp sso_link --provider entra --remove --username jsmith

A CSV is all or nothing: every row is checked first and nothing is linked unless all are good;
each row's result is printed. Every link made or removed is audited."""

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404

from earlyhelp.sso import services
from earlyhelp.sso.models import ExternalIdentity, LinkSource


class Command(BaseCommand):
    help = "Link users to a single sign-on provider's identifier (oid or sub), one or from a CSV."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="the provider's slug in settings")
        parser.add_argument("--username")
        parser.add_argument("--subject", help="the user's value of the provider's claim")
        parser.add_argument("--csv", type=Path, help="a file with columns username,subject")
        parser.add_argument("--remove", action="store_true", help="remove --username's link")

    def handle(self, *args, provider, username, subject, csv, remove, **options):
        try:
            config = services.provider_or_404(provider)
        except Http404 as error:
            slugs = ", ".join(p.slug for p in services.providers()) or "none configured"
            raise CommandError(f"No provider {provider!r} (providers: {slugs})") from error
        if remove:
            return self._remove(config, username)
        if csv:
            rows = self._read(csv)
        elif username and subject:
            rows = [(1, username, subject)]
        else:
            raise CommandError("Give --username and --subject, or --csv FILE")
        problems = self._check(config, rows)
        for line, name, _subject in rows:
            self.stdout.write(f"row {line}: {name}: {problems.get(line, 'ok')}")
        if problems:
            raise CommandError(f"{len(problems)} row(s) have problems: nothing was linked")
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=[r[1] for r in rows])
        }
        with transaction.atomic():
            for _line, name, value in rows:
                services.link_identity(
                    user=users[name],
                    provider=config,
                    subject=value,
                    source=LinkSource.ADMINISTRATOR,
                    by=None,
                )
        self.stdout.write(self.style.SUCCESS(f"Linked {len(rows)} user(s) at {config.name}."))

    def _read(self, path: Path) -> list[tuple[int, str, str]]:
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not {"username", "subject"} <= set(reader.fieldnames or []):
                raise CommandError("The CSV needs the columns username and subject")
            return [
                (number, (row["username"] or "").strip(), (row["subject"] or "").strip())
                for number, row in enumerate(reader, start=2)
            ]

    def _check(self, config, rows) -> dict[int, str]:
        User = get_user_model()
        names = {r[1] for r in rows}
        known = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        links = ExternalIdentity.objects.filter(provider=config.slug)
        linked_users = set(links.values_list("user__username", flat=True))
        linked_subjects = set(links.values_list("subject", flat=True))
        problems, seen_users, seen_subjects = {}, set(), set()
        for line, name, value in rows:
            if not name or not value:
                problems[line] = "username and subject are both needed"
            elif name not in known:
                problems[line] = "no earlyhelp user with this username"
            elif name in linked_users or name in seen_users:
                problems[line] = f"already linked at {config.slug}"
            elif value in linked_subjects or value in seen_subjects:
                problems[line] = f"{config.link_claim} {value} is already linked to someone"
            seen_users.add(name)
            seen_subjects.add(value)
        return problems

    def _remove(self, config, username):
        link = ExternalIdentity.objects.filter(
            provider=config.slug, user__username=username or ""
        ).first()
        if link is None:
            raise CommandError(f"{username!r} has no link at {config.slug}")
        services.unlink_identity(link=link, by=None)
        self.stdout.write(self.style.SUCCESS(f"Removed {username}'s link at {config.name}."))
