"""Performance intelligence on the benchmark borough: the dashboard (warm and cold) and Annex A.

    python bench/bench_insights.py [--database-url URL] [--samples 20] [--cold 5]

Times, on the borough left by bench_generate.py (var/bench/borough.sqlite3) or any database given:
- the dashboard counted live (every active indicator for the current month and its 12-month
  trend, for the whole borough) – what the page cost before issue 19, and what a filtered or past
  view still costs;
- the nightly job that materialises the day's dashboards (`insights_materialise`): it writes the
  day's snapshots into the database it is pointed at, as the job would;
- the whole dashboard as the page computes it (selectors.dashboard, reading the day's snapshot),
  warm, for the borough (an analyst) and one service (a manager);
- the dashboard page over HTTP, warm (after one request) beside a bare Django view reading one row
  in the same run, and cold: the first request of a fresh process (`--cold` processes, each
  started, signed in, then timed on its first /insights/);
- the board report PDF over HTTP (the quarter in progress), with its query count;
- the Annex A export (Lists 1 and 2 as XLSX for an inspection today), inside a transaction that
  is rolled back so the benchmark leaves no audit rows behind; then whether the lists served from
  the stored rows equal the lists counted live (`equal_to_live`).
Cold means a server process's first request after it started (a restart or deploy): Python's
bytecode already compiled, the WSGI module imported (every view, every template compiled), the
user signed in – nothing else done: no chart drawn, no figure's HTML written, no URL reversed.
The day's snapshot exists (the nightly job ran; before it runs, yesterday's serves – snapshots.py).
Targets (issue 19): the whole dashboard under 0.3 s warm (p95 of the selector; p50 of the page
over HTTP), its page under 0.5 s cold (every cold sample), Annex A under 2 s (every sample); the
board PDF under 5 s (issue 6). A profile of
the slowest measurement against its target, and of every missed one, is printed. Exit 1 naming
each missed target. Results are merged into bench/results/insights.json under the database's
vendor.
"""

import argparse
import json
import os
import subprocess
import sys

from _common import (
    BOROUGH,
    RESULTS,
    ROOT,
    profile_requests,
    setup_django,
    summary,
    timed,
    verdict,
    write_result,
)

TARGETS_MS = {
    "dashboard_borough": 300,  # warm p95
    "dashboard_service": 300,  # warm p95
    "dashboard_page_warm": 300,  # warm p50, the whole page over HTTP
    "dashboard_page_cold": 500,  # every cold sample
    "annex_a": 2000,  # every sample
    "board_pdf": 5000,  # every sample
}
LABELS = {
    "dashboard_borough": "whole dashboard, borough, warm (p95)",
    "dashboard_service": "whole dashboard, one service, warm (p95)",
    "dashboard_page_warm": "dashboard page, warm (p50)",
    "dashboard_page_cold": "dashboard page, cold first request (max)",
    "annex_a": "Annex A export (max)",
    "board_pdf": "board report PDF (max)",
}
MEASURE = {"dashboard_borough": "p95_ms", "dashboard_service": "p95_ms",
           "dashboard_page_warm": "p50_ms"}  # else max_ms


def page_settings(bare_view: bool = True):
    from django.conf import settings

    # Plain static storage: the benchmark needs no collectstatic manifest to draw the page.
    return {
        "STORAGES": {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        **({"ROOT_URLCONF": "load_urls"} if bare_view else {}),  # earlyhelp's URLs + the bare view
    }


def cold_once(profile: bool = False) -> int:
    """In a fresh process: sign in, then time the first /insights/ (printed as JSON last); with
    `profile`, print where that first request's time goes instead of trusting its time."""
    from django.db import transaction
    from django.test import Client, override_settings

    import earlyhelp.wsgi  # noqa: F401 – what a server process loads before its first request
    from earlyhelp.core.models import Role, User
    from earlyhelp.core.testing.two_factor import verified_login

    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).first()
    client = Client()
    with override_settings(**page_settings(bare_view=False)), transaction.atomic():
        verified_login(client, analyst)  # the session a signed-in user already has
        # A server builds its middleware when the WSGI application is made, before any request
        # (WhiteNoise indexes the static files then); the test client builds it on its first.
        client.handler.load_middleware()
        if profile:
            profile_requests(client.get, ["/insights/"], title="dashboard page, cold")
        response, ms = timed(client.get, "/insights/")
        assert response.status_code == 200, response.status_code
        as_of = b"worked out each night" in response.content
        transaction.set_rollback(True)
    print(json.dumps({"ms": ms, "snapshot": as_of}))
    return 0


def annex_a_compare(runs: int) -> int:
    """The workbook from the stored rows beside the same workbook from the lists counted live
    (annexa.workbook with the live lists swapped in), alternated in one process: wall and
    processor time, so the ratio holds whatever the machine's load."""
    import time

    from django.db import connection
    from django.utils import timezone

    from earlyhelp.insights import annexa

    today = timezone.localdate()
    stored = (annexa._list_1, annexa._list_2)
    live = (annexa._list_1_live, annexa._list_2_live)
    samples = {"stored": [], "live": []}
    for _ in range(runs):
        for name, (one, two) in (("stored", stored), ("live", live)):
            annexa._list_1, annexa._list_2 = one, two
            wall, cpu = time.perf_counter(), time.process_time()
            book = annexa.workbook(today)
            samples[name].append(((time.perf_counter() - wall) * 1000,
                                  (time.process_time() - cpu) * 1000))
    annexa._list_1, annexa._list_2 = stored
    result = {"rows": [book.list_1_rows, book.list_2_rows], "runs": runs,
              "load_average": [round(v, 2) for v in os.getloadavg()]}
    for name, values in samples.items():
        result[name] = {"wall_ms": summary([w for w, _ in values]),
                        "process_cpu_ms": summary([c for _, c in values])}
        print(f"Annex A {name:>6}: wall p50 {result[name]['wall_ms']['p50_ms']:.0f} ms "
              f"(max {result[name]['wall_ms']['max_ms']:.0f}), processor p50 "
              f"{result[name]['process_cpu_ms']['p50_ms']:.0f} ms")
    print(f"{book.list_1_rows:,} + {book.list_2_rows:,} rows; load average "
          f"{result['load_average'][0]}")
    write_result(f"annex-a-{connection.vendor}", result)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BOROUGH}")
    parser.add_argument("--samples", type=int, default=20, help="warm samples per measurement")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes for the cold page")
    parser.add_argument("--annex-a-only", type=int, metavar="N", default=0,
                        help="only Annex A: N runs each from the stored rows and counted live, "
                             "alternated, wall and processor time (into annex-a-<vendor>.json)")
    parser.add_argument("--cold-once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = ROOT / args.database_url.removeprefix("sqlite:///")  # absolute paths stay absolute
    if args.database_url.startswith("sqlite") and not path.exists():
        print(f"{path} is missing: run bench/bench_generate.py first", file=sys.stderr)
        return 2
    setup_django(args.database_url)
    if args.cold_once:
        return cold_once(args.profile_cold)
    if args.annex_a_only:
        return annex_a_compare(args.annex_a_only)

    from django.db import connection, transaction
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.core.testing.two_factor import verified_login
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.insights import selectors, services
    from earlyhelp.insights.periods import period_containing
    from earlyhelp.insights.registry import Scope
    from earlyhelp.people.models import Membership

    vendor = connection.vendor
    analyst = User.objects.filter(role=Role.ANALYST, is_active=True).first()
    manager = User.objects.filter(role=Role.MANAGER, is_active=True,
                                  team__service__isnull=False).first()
    if analyst is None or manager is None:
        print("The benchmark borough needs an analyst and a manager of a service "
              "(earlyhelp demo makes them).", file=sys.stderr)
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
    print(f"{vendor}: {size['children']:,} children, {size['episodes']:,} episodes, "
          f"{size['contacts']:,} contacts, history from {size['first_episode']}; "
          f"load average {os.getloadavg()[0]:.1f}")
    results, profiles, calls = {}, {}, {}

    # 1. Counted live: the whole borough, as every request did before the snapshots.
    def live():
        return selectors.dashboard_for_scope(Scope(), period)

    times = []
    for _ in range(max(1, min(args.samples, 3))):
        with CaptureQueriesContext(connection) as ctx:
            rows, ms = timed(live)
        times.append(ms)
    results["dashboard_live"] = {**summary(times), "queries": len(ctx), "indicators": len(rows)}
    calls["dashboard_live"] = live
    print(f"dashboard counted live, borough ({len(rows)} indicators, {period.label} + 12-month "
          f"trend): p50 {results['dashboard_live']['p50_ms']:.0f} ms, {len(ctx)} queries")

    # 2. The nightly job.
    _, ms = timed(services.materialise_dashboards)
    results["materialise_job"] = {"ms": round(ms, 1)}
    print(f"nightly job (every scope, month, quarter and year): {ms / 1000:.1f} s")

    # 3. The whole dashboard as the page computes it, warm.
    def dashboard_for(user):
        selectors.dashboard(user=user, period=period)  # warm-up
        times, queries = [], 0
        for _ in range(args.samples):
            with CaptureQueriesContext(connection) as ctx:
                rows, ms = timed(selectors.dashboard, user=user, period=period)
            times.append(ms)
            queries = len(ctx)
        from_snapshot = sum(1 for row in rows if row.as_of)
        return rows, {**summary(times), "queries": queries, "indicators": len(rows),
                      "from_snapshot": from_snapshot}

    for key, user in (("dashboard_borough", analyst), ("dashboard_service", manager)):
        rows, results[key] = dashboard_for(user)
        calls[key] = lambda user=user: selectors.dashboard(user=user, period=period)
        r = results[key]
        print(f"{LABELS[key].split(',')[0]}, {key.split('_')[1]}, warm: p50 {r['p50_ms']:.1f} ms, "
              f"p95 {r['p95_ms']:.1f} ms, {r['queries']} queries, {r['from_snapshot']} of "
              f"{r['indicators']} indicators from the snapshot")
    for row in rows:
        value = row.value if row.value is None else round(row.value, 1)
        print(f"  {row.definition.code:<24} {value}")

    # 4. Cold: a fresh process per sample, its first request timed (outside any transaction of
    # ours: on SQLite an open one would hold the write lock the new process's sign-in needs).
    # Bytecode is compiled once first, into a folder of its own, as an installed server has it.
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(ROOT / "var" / "pycache-cold")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def fresh_process(*flags):
        return subprocess.run(
            [sys.executable, __file__, "--database-url", args.database_url, "--cold-once",
             *flags], capture_output=True, text=True, cwd=ROOT / "bench", check=True, env=env,
        ).stdout

    fresh_process()  # compiles the bytecode; not timed
    cold = []
    for _ in range(args.cold):
        sample = json.loads(fresh_process().strip().splitlines()[-1])
        assert sample["snapshot"], "the cold page did not read the day's snapshot"
        cold.append(sample["ms"])
    results["dashboard_page_cold"] = summary(cold)
    print(f"dashboard page, cold first request ({args.cold} processes): "
          f"p50 {results['dashboard_page_cold']['p50_ms']:.0f} ms, "
          f"max {results['dashboard_page_cold']['max_ms']:.0f} ms")

    # 5. The page over HTTP, warm, beside the bare view; then the board PDF.
    client = Client()
    with override_settings(**page_settings()), transaction.atomic():
        verified_login(client, analyst)  # a session and a test device, rolled back below

        def http(url, n):
            client.get(url)  # warm-up
            times = []
            for _ in range(n):
                with CaptureQueriesContext(connection) as ctx:
                    response, ms = timed(client.get, url)
                assert response.status_code == 200, (url, response.status_code)
                times.append(ms)
            return {**summary(times), "queries": len(ctx), "bytes": len(response.content)}

        bare = http("/bench/bare/", args.samples)
        results["dashboard_page_warm"] = page = http("/insights/", args.samples)
        page["bare_ratio_p50"] = round(page["p50_ms"] / bare["p50_ms"], 1)
        results["bare_view"] = bare
        calls["dashboard_page_warm"] = lambda: client.get("/insights/")
        print(f"dashboard page, warm: p50 {page['p50_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms, "
              f"{page['queries']} queries; bare view p50 {bare['p50_ms']:.1f} ms "
              f"({page['bare_ratio_p50']}× the bare view)")
        results["board_pdf"] = pdf = http("/insights/board/report.pdf", max(1, args.samples // 4))
        print(f"board report PDF: p50 {pdf['p50_ms']:.0f} ms, max {pdf['max_ms']:.0f} ms, "
              f"{pdf['queries']} queries, {pdf['bytes']:,} bytes")
        profile_ready = {"page": lambda: client.get("/insights/"),
                         "pdf": lambda: client.get("/insights/board/report.pdf")}
        calls["board_pdf"] = profile_ready["pdf"]

        # 6. Annex A, each run rolled back (no audit rows left).
        def annex_once():
            with transaction.atomic():
                result = services.annex_a_export(acting_user=analyst, inspection_date=today,
                                                 via="benchmark")
                transaction.set_rollback(True)
            return result

        times = []
        for _ in range(max(1, min(args.samples, 3))):
            result, ms = timed(annex_once)
            times.append(ms)
        results["annex_a"] = annex = {**summary(times), "list_1_rows": result.list_1_rows,
                                      "list_2_rows": result.list_2_rows,
                                      "bytes": len(result.content)}
        calls["annex_a"] = annex_once
        # Served from the stored rows (annexarows): the same lists as counted live.
        from earlyhelp.insights import annexa
        annex["equal_to_live"] = all(
            rows(today) == rows(today, live=True)
            for rows in (annexa.list_1_rows, annexa.list_2_rows))
        print(f"Annex A from the stored rows equal to the lists counted live: "
              f"{annex['equal_to_live']}")
        print(f"Annex A export (inspection {today}): p50 {annex['p50_ms'] / 1000:.2f} s, "
              f"max {annex['max_ms'] / 1000:.2f} s; List 1 {annex['list_1_rows']:,} rows, "
              f"List 2 {annex['list_2_rows']:,} rows")

        # Profiles: the slowest against its target, every missed one, and the live dashboard.
        def ratio(key):
            return results[key][MEASURE.get(key, "max_ms")] / TARGETS_MS[key]

        missed_keys = [key for key in TARGETS_MS if ratio(key) >= 1]
        slowest = max(TARGETS_MS, key=ratio)
        for key in dict.fromkeys([slowest, *missed_keys, "dashboard_live"]):
            if key in calls:
                profiles[key] = profile_requests(lambda _, call=calls[key]: call(), [None],
                                                 title=f"{key} (one run)")
        transaction.set_rollback(True)
    if "dashboard_page_cold" in (slowest, *missed_keys):  # a fresh process, no lock of ours
        text = "\n".join(fresh_process("--profile-cold").splitlines()[:-1])
        print(text)
        profiles["dashboard_page_cold"] = text

    missed = [f"{LABELS[key]}: {results[key][MEASURE.get(key, 'max_ms')]:.0f} ms "
              f"(target {TARGETS_MS[key]} ms)" for key in missed_keys]
    path = RESULTS / "insights.json"
    existing = json.loads(path.read_text()).get("by_database", {}) if path.exists() else {}
    existing[vendor] = {
        "database": vendor,
        "borough": size,
        "period": period.label,
        "load_average": [round(v, 2) for v in os.getloadavg()],
        **results,
        "targets_ms": TARGETS_MS,
        "targets_met": not missed,
        "missed": missed,
        "profiles": profiles,
    }
    write_result("insights", {"by_database": existing})
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
