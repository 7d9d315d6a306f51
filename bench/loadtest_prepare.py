"""Load-test sign-ins on the benchmark borough: who signs in as each role, and what they work on.

    python bench/loadtest_prepare.py --database-url URL --out var/bench/loadtest-users.json

Picks real users of the generated borough, each in scope of real families – front door triage
workers, the early help workers leading most open episodes, the team managers (two more managers
are added to the 5-18 and 0-5 teams as `lt-manager-N`, so each simulated manager has an account of
their own), and the partner practitioners leading open episodes – and gives each one a confirmed
TOTP authenticator named "loadtest" with a fresh random key (a smaller borough has fewer front
door workers: `lt-frontdoor-N` are added to its front door team the same way). The keys and work
lists go to a JSON file (under var/, never committed) that bench/locustfile.py reads. Rerunning
replaces the keys.
"""

import argparse
import json
import secrets
import sys

from _common import ROOT, setup_django

ROLE_COUNTS = {"frontdoor": 8, "worker": 24, "manager": 6, "partner": 12}
DEVICE_NAME = "loadtest"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "loadtest-users.json"))
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import transaction
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from earlyhelp.access.scoping import visible_episodes, visible_people
    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, Team, User
    from earlyhelp.demo.borough import DEMO_PASSWORD

    def leading(role, count):
        return list(
            User.objects.filter(role=role, is_active=True)
            .annotate(n=Count("episodes_led", filter=Q(episodes_led__status="open")))
            .filter(n__gt=0)
            .order_by("-n", "username")[:count]
        )

    with transaction.atomic():
        front_door = list(
            User.objects.filter(role=Role.FRONT_DOOR, is_active=True).order_by("username")
        )[: ROLE_COUNTS["frontdoor"]]
        workers = leading(Role.WORKER, ROLE_COUNTS["worker"])
        managers = list(
            User.objects.filter(role=Role.MANAGER, is_active=True, team__service__isnull=False)
            .exclude(username__startswith="lt-")
            .order_by("username")
        )
        template = next(u for u in managers if u.team.age_focus == "5-18")

        def top_up(users, role, teams, kind):
            """Add lt-<kind>-N users to the borough's teams until the role has enough."""
            n = 0
            while len(users) < ROLE_COUNTS[kind]:
                n += 1
                team = teams[(n - 1) % len(teams)]
                extra, _ = User.objects.get_or_create(
                    username=f"lt-{kind}-{n}",
                    defaults={
                        "role": role, "team": team, "organisation": template.organisation,
                        "first_name": "Load", "last_name": f"Test {kind} {n}",
                        "email": f"lt-{kind}-{n}@kingsmead.example",
                        "password": template.password, "job_title": f"{kind}, {team.name}",
                    },
                )  # fmt: skip
                if extra not in users:
                    users.append(extra)

        top_up(managers, Role.MANAGER,
               list(Team.objects.filter(age_focus__in=["5-18", "0-5"]).order_by("name")),
               "manager")  # fmt: skip
        top_up(front_door, Role.FRONT_DOOR,
               list(Team.objects.filter(age_focus="front_door")), "frontdoor")  # fmt: skip
        managers = managers[: ROLE_COUNTS["manager"]]
        partners = leading(Role.PARTNER, ROLE_COUNTS["partner"])

        accounts = []
        for role, users in (("frontdoor", front_door), ("worker", workers),
                            ("manager", managers), ("partner", partners)):  # fmt: skip
            for user in users:
                TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).delete()
                key = secrets.token_hex(20)
                TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
                account = {"role": role, "username": user.username, "totp_key": key}
                if role == "worker":
                    account["episodes"] = [str(pk) for pk in Episode.objects.filter(
                        lead_practitioner=user, status="open").order_by("start_date")
                        .values_list("id", flat=True)[:30]]  # fmt: skip
                if role == "partner":
                    # Led and visible: consent to share may have been withdrawn since.
                    led = visible_episodes(user).filter(lead_practitioner=user, status="open")
                    account["episodes"] = [str(pk) for pk in led.values_list("id", flat=True)]
                    # Children the partner may see, found by NHS number when raising a request.
                    account["nhs_numbers"] = list(
                        visible_people(user).filter(
                            memberships__role="child", memberships__end_date__isnull=True
                        ).exclude(nhs_number="").values_list("nhs_number", flat=True)
                        .distinct()[:30]
                    )  # fmt: skip
                accounts.append(account)
    missing = {role: count - sum(a["role"] == role for a in accounts)
               for role, count in ROLE_COUNTS.items()}  # fmt: skip
    short = {role: n for role, n in missing.items() if n > 0}
    out = {"password": DEMO_PASSWORD, "accounts": accounts}
    with open(args.out, "w") as handle:
        json.dump(out, handle, indent=1)
    print(
        f"{len(accounts)} load-test accounts: "
        + ", ".join(f"{sum(a['role'] == r for a in accounts)} {r}" for r in ROLE_COUNTS)
        + f" -> {args.out}"
    )
    if short:  # a small borough: some people share an account (fine for trying the script)
        print(f"Warning: the borough has too few users for {short}; accounts will be shared "
              "(the benchmark borough has enough)", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
