"""`earlyhelp demo`: generate the synthetic demo borough, and print the demo logins."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from earlyhelp.core.dates import long_date
from earlyhelp.core.models import User
from earlyhelp.core.security.two_factor import demo_login_details
from earlyhelp.demo.borough import DEMO_LOGINS, DEMO_PASSWORD
from earlyhelp.demo.directory import load_demo_directory, load_demo_referrals
from earlyhelp.demo.documents import load_demo_documents
from earlyhelp.demo.generate import DemoError, generate_borough
from earlyhelp.demo.panels import load_demo_panels
from earlyhelp.demo.strategy import load_demo_strategy
from earlyhelp.demo.summary import borough_rates, format_rates
from earlyhelp.demo.targeting import load_demo_targeting
from earlyhelp.demo.volumes import add_volume_arguments, volumes_from
from earlyhelp.people.models import Family

DEFAULT_FAMILIES = 2000


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date like 2026-06-04, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Generate a synthetic borough (families, casework history, demo users), deterministic "
        "for a seed. With only --logins, print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, help=f"households (default {DEFAULT_FAMILIES})")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--today", type=_date, help="the date history runs up to (default: today)"
        )
        parser.add_argument(
            "--case-rate",
            type=float,
            default=1.0,
            help="scales the casework volumes below (default 1.0: an English borough's rates)",
        )
        add_volume_arguments(parser)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database holds families"
        )
        parser.add_argument("--logins", action="store_true", help="print the demo logins")
        parser.add_argument(
            "--borough-only",
            action="store_true",
            help="skip other apps' demo data (service directory, panels)",
        )

    def handle(self, *args, **options):
        # `demo --logins` alone only prints the logins; anything else generates (or skips).
        generate = not options["logins"] or options["families"] is not None or options["if_empty"]
        if generate:
            self.generate(options)
        if options["logins"]:
            self.print_logins()

    def generate(self, options):
        if options["if_empty"] and Family.objects.exists():
            self.stdout.write("The database already holds families: no demo borough generated.")
            return
        families = options["families"]
        if families is None:
            families = DEFAULT_FAMILIES
        try:
            volumes = volumes_from(options)
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            result = generate_borough(
                families=families,
                seed=options["seed"],
                today=options["today"],
                case_rate=options["case_rate"],
                volumes=volumes,
                log=self.stdout.write if options["verbosity"] > 1 else None,
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo borough generated (seed {result.seed}, history to {long_date(result.today)}) "
            f"in {result.seconds:.1f}s: {sum(result.rows.values()):,} rows."
        )
        self.stdout.write(format_rates(borough_rates(result.today)))
        if not options["borough_only"]:
            self.load_other_apps(result)

    def load_other_apps(self, result):
        """The service directory's offer and referrals, and the panels with their agendas: they
        build on the borough and its casework."""
        made = load_demo_directory(today=result.today, seed=result.seed)
        referrals = load_demo_referrals(seed=result.seed)
        self.stdout.write(
            f"Service directory: {made['services']} services; "
            f"{sum(referrals.values())} referrals from open episodes."
        )
        made = load_demo_panels(today=result.today, bring_stuck=True)
        self.stdout.write(
            f"Panels: {made['panels']} panels, {made['meetings']} meetings, "
            f"{made['brought']} stuck cases brought."
        )
        made = load_demo_strategy(today=result.today, seed=result.seed)
        self.stdout.write(
            f"Strategy: {made['rounds']} self-assessment rounds, {made['ratings']} ratings, "
            f"{made['items']} action plan items, {made['completions']} course completions, "
            f"{made['audits']} case audits ({made['graded']} graded)."
        )
        made = load_demo_documents(seed=result.seed)
        if made["refused"]:
            self.stdout.write(f"Documents: {made['documents']} added, then refused by the "
                              f"documents service: {made['refused']}")
        else:
            self.stdout.write(f"Documents: {made['documents']} on {made['families']} families, "
                              f"{made['scan'] or 'none'}.")
        made = load_demo_targeting(today=result.today, seed=result.seed)
        eligible = ", ".join(f"{code} {n:,}" for code, n in sorted(made["eligible"].items()))
        self.stdout.write(
            f"Targeting: {made['records']:,} agency records in {made['batches']} files about "
            f"{made['people']:,} people; run {made['run'].status} in {made['seconds']}s with "
            f"{made['run'].stats.get('households', 0):,} households; eligible families: "
            f"{eligible or 'none'}."
        )

    def print_logins(self):
        users = {u.username: u for u in User.objects.filter(username__in=list(DEMO_LOGINS))}
        if not users:
            self.stdout.write("No demo users: run `earlyhelp demo` first.")
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, (role, _title, sees) in DEMO_LOGINS.items():
            user = users.get(username)
            if user is None:
                continue
            where = user.organisation.name if user.organisation_id else ""
            self.stdout.write(
                f"  {username:<10} {role.label:<28} {user.get_full_name()}, {where} – sees {sees}"
            )
            details = demo_login_details(user)
            self.stdout.write(f"  {'':<10} two-factor key {details['secret']}")
        self.stdout.write(
            "Every role signs in with a second factor: add a key above to an authenticator app, "
            "or get the current code with `.venv/bin/earlyhelp two_factor_code USERNAME`."
        )
