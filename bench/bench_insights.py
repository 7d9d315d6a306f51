"""Performance intelligence on the benchmark borough: the whole dashboard and the Annex A export.

    python bench/bench_insights.py [--database-url URL] [--samples 5]

Times, on the borough left by bench_generate.py (var/bench/borough.sqlite3) or any database given:
- the whole dashboard: every active indicator for the current month and its 12-month trend, for
  the whole borough (an analyst) and for one service (a manager) – selectors.dashboard, which is
  what the page computes before it draws;
- the dashboard page itself over HTTP (figures, 17 trend charts and their tables);
- the board report PDF over HTTP (the quarter in progress: indicators, a ReportLab trend chart per
  indicator, the strategy and cost avoidance sections), with its query count;
- the Annex A export (Lists 1 and 2 as XLSX for an inspection today), inside a transaction that
  is rolled back so the benchmark leaves no audit rows behind.
Targets (issue 6): dashboard under 2 s, Annex A under 10 s, on SQLite and on PostgreSQL; the board
PDF under 5 s.
Results are merged into bench/results/insights.json under the database's vendor.
"""

import argparse
import json
import sys

from _common import BOROUGH, RESULTS, ROOT, setup_django, summary, timed, verdict, write_result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BOROUGH}")
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    path = ROOT / args.database_url.removeprefix("sqlite:///")  # absolute paths stay absolute
    if args.database_url.startswith("sqlite") and not path.exists():
        print(f"{path} is missing: run bench/bench_generate.py first", file=sys.stderr)
        return 2
    setup_django(args.database_url)

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.insights import selectors, services
    from earlyhelp.insights.periods import period_containing
    from earlyhelp.people.models import Membership

    vendor = connection.vendor
    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).first()
    manager = User.objects.filter(role=Role.MANAGER, is_active=True, team__isnull=False).first()
    if analyst is None or manager is None:
        print(
            "The benchmark borough needs an analyst and a manager (earlyhelp demo makes them).",
            file=sys.stderr,
        )
        return 2
    today = timezone.localdate()
    period = period_containing("month", today)
    size = {
        "children": Membership.objects.filter(role="child").values("person_id").distinct().count(),
        "episodes": Episode.objects.count(),
        "contacts": Contact.objects.count(),
        "first_episode": Episode.objects.order_by("start_date")
        .values_list("start_date", flat=True)
        .first(),
    }
    print(
        f"{vendor}: {size['children']:,} children, {size['episodes']:,} episodes, "
        f"{size['contacts']:,} contacts, history from {size['first_episode']}"
    )

    def dashboard_for(user):
        times, queries = [], 0
        for _ in range(args.samples):
            with CaptureQueriesContext(connection) as ctx:
                rows, ms = timed(selectors.dashboard, user=user, period=period)
            times.append(ms)
            queries = len(ctx)
        return rows, {**summary(times), "queries": queries, "indicators": len(rows)}

    rows, borough = dashboard_for(analyst)
    print(
        f"dashboard, whole borough ({borough['indicators']} indicators, {period.label} + "
        f"12-month trend): p50 {borough['p50_ms']:.0f} ms, max {borough['max_ms']:.0f} ms, "
        f"{borough['queries']} queries"
    )
    for row in rows:
        value = row.value if row.value is None else round(row.value, 1)
        print(f"  {row.definition.code:<24} {value}")
    _, service = dashboard_for(manager)
    print(f"dashboard, one service: p50 {service['p50_ms']:.0f} ms, max {service['max_ms']:.0f} ms")

    from earlyhelp.core.testing.two_factor import verified_login

    client = Client()
    page_times = []
    # Plain static storage: the benchmark needs no collectstatic manifest to draw the page.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    pdf_times, pdf_queries, pdf_bytes = [], 0, 0
    with override_settings(STORAGES=plain_static), transaction.atomic():
        verified_login(client, analyst)  # a session and a test device, rolled back below
        for _ in range(args.samples):
            response, ms = timed(client.get, "/insights/")
            assert response.status_code == 200, response.status_code
            page_times.append(ms)
        for _ in range(args.samples):
            with CaptureQueriesContext(connection) as ctx:
                response, ms = timed(client.get, "/insights/board/report.pdf")
            assert response.status_code == 200, response.status_code
            pdf_times.append(ms)
            pdf_queries, pdf_bytes = len(ctx), len(response.content)
        transaction.set_rollback(True)
    page = summary(page_times)
    print(f"dashboard page over HTTP: p50 {page['p50_ms']:.0f} ms, max {page['max_ms']:.0f} ms")
    board_pdf = {**summary(pdf_times), "queries": pdf_queries, "bytes": pdf_bytes}
    print(f"board report PDF over HTTP: p50 {board_pdf['p50_ms']:.0f} ms, "
          f"max {board_pdf['max_ms']:.0f} ms, {pdf_queries} queries, {pdf_bytes:,} bytes")

    annex_times, annex_rows = [], {}
    for _ in range(max(1, min(args.samples, 3))):
        with transaction.atomic():
            result, ms = timed(
                services.annex_a_export, acting_user=analyst, inspection_date=today, via="benchmark"
            )
            transaction.set_rollback(True)
        annex_times.append(ms)
        annex_rows = {
            "list_1_rows": result.list_1_rows,
            "list_2_rows": result.list_2_rows,
            "bytes": len(result.content),
        }
    annex = {**summary(annex_times), **annex_rows}
    print(
        f"Annex A export (inspection {today}): p50 {annex['p50_ms'] / 1000:.2f} s, "
        f"max {annex['max_ms'] / 1000:.2f} s; List 1 {annex['list_1_rows']:,} rows, "
        f"List 2 {annex['list_2_rows']:,} rows"
    )

    ok = (borough["max_ms"] < 2000 and service["max_ms"] < 2000 and annex["max_ms"] < 10000
          and board_pdf["max_ms"] < 5000)
    print("targets met" if ok else
          "TARGETS MISSED (dashboard < 2 s, Annex A < 10 s, board PDF < 5 s)")

    path = RESULTS / "insights.json"
    existing = json.loads(path.read_text()).get("by_database", {}) if path.exists() else {}
    existing[vendor] = {
        "database": vendor,
        "borough": size,
        "period": period.label,
        "dashboard_borough": borough,
        "dashboard_service": service,
        "dashboard_page": page,
        "board_pdf": board_pdf,
        "annex_a": annex,
        "targets": {"dashboard_ms": 2000, "annex_a_ms": 10000, "board_pdf_ms": 5000},
        "targets_met": ok,
    }
    write_result("insights", {"by_database": existing})
    missed = [f"{label}: {r['max_ms'] / 1000:.2f} s (target {limit / 1000:.0f} s)"
              for label, r, limit in (("dashboard, borough", borough, 2000),
                                      ("dashboard, one service", service, 2000),
                                      ("Annex A export", annex, 10000),
                                      ("board report PDF", board_pdf, 5000))
              if r["max_ms"] >= limit]  # fmt: skip
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
