"""The SQL of each role's start page for its busiest users, slowest first, with the plan.

    python bench/explain_start.py [--database-url URL] [--explain 3] [--roles partner,worker]

For each role (busiest users as bench/bench_pages.py picks them) it renders the start page once
with the scopes built afresh, times every query it ran, and prints the slowest ones with
EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite): where a scope scans a big table
shows up here first (issue 19).
"""

import argparse
import sys
import time

from _common import BOROUGH, setup_django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BOROUGH}")
    parser.add_argument("--explain", type=int, default=3, help="slowest queries explained per role")
    parser.add_argument("--users", type=int, default=1, help="busiest users per role")
    parser.add_argument("--roles", default="")
    parser.add_argument("--only", default="", help="usernames, comma-separated")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from earlyhelp.access import scoping
    from earlyhelp.core.models import Role, User

    busiest = {
        Role.PARTNER: Count("taf_memberships", distinct=True),
        Role.PANEL_MEMBER: Count("panel_memberships", distinct=True),
        Role.WORKER: Count("episodes_led", distinct=True),
    }
    wanted = [r for r in args.roles.split(",") if r]
    client = Client()
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(EARLYHELP_REQUIRE_TWO_FACTOR=False, STORAGES=storages,
                           ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]):
        for role in Role:
            if wanted and role.value not in wanted:
                continue
            people = User.objects.filter(role=role, is_active=True)
            if role in busiest:
                people = people.annotate(load=busiest[role]).order_by("-load", "username")
            else:
                people = people.order_by("username")
            if args.only:
                people = people.filter(username__in=args.only.split(","))
            for user in people[: args.users]:
                client.force_login(user)
                client.get("/")
                scoping.forget_built_scopes()
                timings = []
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get("/")
                    total = (time.perf_counter() - start) * 1000
                sql_ms = sum(float(q["time"]) * 1000 for q in ctx.captured_queries)
                print(f"\n=== {role.value} {user.username}: {response.status_code} "
                      f"{total:.0f} ms, {len(ctx.captured_queries)} queries, "
                      f"SQL {sql_ms:.0f} ms ===")
                for q in ctx.captured_queries:
                    timings.append((float(q["time"]) * 1000, q["sql"]))
                timings.sort(reverse=True)
                for ms, sql in timings[:8]:
                    print(f"  {ms:7.1f} ms  {sql[:150]}")
                for ms, sql in timings[: args.explain]:
                    prefix = ("EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql"
                              else "EXPLAIN QUERY PLAN")
                    with connection.cursor() as cursor:
                        cursor.execute(f"{prefix} {sql}")
                        rows = cursor.fetchall()
                    plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
                    print(f"\n--- {ms:.1f} ms ---\n{sql}\n{plan}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
