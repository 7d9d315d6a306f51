"""Throughput over gunicorn: the family record against the bare view, signed-in clients, one run.

    .venv/bin/python bench/bench_gunicorn_pages.py --database-url postgres://…/borough
        [--clients 20] [--workers 2] [--seconds 20] [--rounds 3] [--page family]

Starts gunicorn on 127.0.0.1 (bench/load_app.py: earlyhelp under its production settings, as
`make serve` and the load test run it, plus the bare view of bench/load_urls.py – one row read)
against the given database. Signs in one session per client as a team manager with a verified
second factor (what the sign-in and verify pages leave in the session), then alternates phases:
the bare view, the page, the bare view, … – every client asking as fast as answers come back
(no think time), each family request a different family of the manager's service. Between
phases the server is the same, so the ratio page/bare is what this machine's noise does not
distort. Prints requests/s and p50/p95 of each, the ratio, and the load average; writes
bench/results/gunicorn_pages.json.

Target (issue 19): over gunicorn, the family page serves at least half the bare view's requests
per second. Exits 1 when missed (and on any failed request), 2 when the borough is missing.
Static files are served from a collectstatic manifest: STATIC_ROOT if set, else var/static of this
checkout (run `earlyhelp collectstatic` once; bench/loadtest.py does it too).
"""

import argparse
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from _common import ROOT, setup_django, stop_server, summary, verdict, write_result

TARGET_RATIO = 0.5  # page requests/s ÷ bare view requests/s (issue 19)
PAGES = {"family": "/families/{}/", "episode": "/episodes/{}/"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str, static_root: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")]),
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.production",
        # The sessions are signed in this process: the server must share the key.
        "EARLYHELP_SECRET_KEY": os.environ.get("EARLYHELP_SECRET_KEY")
        or secrets.token_urlsafe(50),
        "EARLYHELP_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EARLYHELP_DEBUG": "false",
        "EARLYHELP_ACCESS_LOG": "false",
        "STATIC_ROOT": str(static_root),
    }


def _prepare(page: str, clients: int, sample: int, seed: int):
    """A team manager, `clients` sessions signed in with a verified second factor, and the ids
    of the records the page is asked for (in the manager's scope)."""
    from django.test import Client

    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.core.testing.two_factor import verified_login

    manager = (
        User.objects.filter(role=Role.MANAGER, is_active=True, team__service__isnull=False)
        .select_related("team")
        .order_by("username")
        .first()
    )
    if manager is None:
        return None, [], []
    episodes = Episode.objects.filter(team__service_id=manager.team.service_id)
    column = "family_id" if page == "family" else "id"
    ids = [str(pk) for pk in episodes.values_list(column, flat=True).distinct()[:20000]]
    ids = random.Random(seed).sample(ids, min(sample, len(ids)))
    cookies = []
    for _ in range(clients):
        client = Client()
        verified_login(client, manager)
        cookies.append(client.cookies["sessionid"].value)
    return manager, ids, cookies


def _phase(base: str, paths: list[str], cookies: list[str], seconds: float, seed: int) -> dict:
    """Every client asks in turn, as fast as answers come back, for `seconds`."""
    latencies, errors = [], []
    stop = threading.Event()

    def client(n):
        rng = random.Random(seed + n)
        headers = {"Cookie": f"sessionid={cookies[n]}", "X-Forwarded-Proto": "https"}
        while not stop.is_set():
            request = urllib.request.Request(base + rng.choice(paths), headers=headers)
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
                    status = response.status
            except Exception as error:  # noqa: BLE001 – every failure is counted and named
                errors.append(repr(error)[:200])
                continue
            if status != 200:  # a redirect to sign-in would be followed to a 200: see below
                errors.append(f"status {status}")
            elif response.url != request.full_url:
                errors.append(f"redirected to {response.url}")
            elif not stop.is_set():
                latencies.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(cookies))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "seconds": elapsed}


def _combine(phases: list[dict]) -> dict:
    latencies = [ms for p in phases for ms in p["latencies"]]
    seconds = sum(p["seconds"] for p in phases)
    errors = [e for p in phases for e in p["errors"]]
    return {
        **summary(latencies or [0.0]),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / seconds, 2),
        "per_phase_requests_per_s": [round(len(p["latencies"]) / p["seconds"], 2)
                                     for p in phases],  # fmt: skip
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--page", choices=sorted(PAGES), default="family")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="bare/page phase pairs")
    parser.add_argument("--sample", type=int, default=500, help="records asked for")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    if not args.database_url:
        print("give --database-url (the benchmark borough)", file=sys.stderr)
        return 2
    static_root = Path(os.environ.get("STATIC_ROOT") or ROOT / "var" / "static")
    if not (static_root / "staticfiles.json").exists():
        print(f"no collectstatic manifest in {static_root}: run `earlyhelp collectstatic` or "
              "set STATIC_ROOT", file=sys.stderr)  # fmt: skip
        return 2
    env = _env(args.database_url, static_root)
    os.environ.update({k: env[k] for k in ("EARLYHELP_SECRET_KEY", "EARLYHELP_ALLOWED_HOSTS",
                                           "STATIC_ROOT")})  # fmt: skip
    setup_django(args.database_url, settings="earlyhelp.settings.production")
    manager, ids, cookies = _prepare(args.page, args.clients, args.sample, args.seed)
    if not ids:
        print(f"no records for the {args.page} page in {args.database_url}", file=sys.stderr)
        return 2
    from django.db import connection

    connection.close()  # the server's workers have their own connections
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = ROOT / "var" / "bench" / "gunicorn-pages.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "load_app:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120",
         "--log-level", "warning"],
        env=env, cwd=ROOT / "bench", stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    page_paths = [PAGES[args.page].format(pk) for pk in ids]
    bare_paths = ["/bench/bare/"]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                request = urllib.request.Request(base + "/bench/bare/",
                                                 headers={"X-Forwarded-Proto": "https"})
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print(f"gunicorn did not start: see {log_path}", file=sys.stderr)
                    return 2
                time.sleep(0.5)
        # Warm every worker (imports, template loading, the first scope) before measuring.
        _phase(base, page_paths, cookies, 3, args.seed - 1)
        load_before = os.getloadavg()
        print(f"{args.clients} clients, gunicorn {args.workers} workers (production settings) on "
              f"{base}, {args.rounds} × ({args.seconds:.0f} s bare view, {args.seconds:.0f} s "
              f"{args.page} page), {len(ids)} records, load {load_before[0]:.2f}")  # fmt: skip
        phases = {"bare": [], "page": []}
        for n in range(args.rounds):
            for name, paths in (("bare", bare_paths), ("page", page_paths)):
                result = _phase(base, paths, cookies, args.seconds, args.seed + 100 * n)
                phases[name].append(result)
                rate = len(result["latencies"]) / result["seconds"]
                print(f"  round {n + 1} {name:<5} {rate:>7.1f} req/s  "
                      f"errors {len(result['errors'])}")  # fmt: skip
        load_after = os.getloadavg()
    finally:
        stop_server(server)
    bare, page = _combine(phases["bare"]), _combine(phases["page"])
    ratio = round(page["requests_per_s"] / bare["requests_per_s"], 2) if bare["requests"] else 0
    for label, r in (("bare view", bare), (f"{args.page} page", page)):
        print(f"{label:<12} {r['requests_per_s']:>7.1f} req/s  p50 {r['p50_ms']:>7.1f} ms  "
              f"p95 {r['p95_ms']:>7.1f} ms  errors {r['errors']}")
    print(f"{args.page} page: {ratio} of the bare view's throughput (target ≥ {TARGET_RATIO}); "
          f"load average {load_before[0]:.2f} → {load_after[0]:.2f}")
    missed = []
    if ratio < TARGET_RATIO:
        missed.append(f"{args.page} page throughput {ratio}× the bare view's "
                      f"(target ≥ {TARGET_RATIO})")  # fmt: skip
    for label, r in (("bare view", bare), (f"{args.page} page", page)):
        if r["errors"]:
            missed.append(f"{label}: {r['errors']} failed requests, e.g. {r['first_errors'][0]}")
    write_result(f"gunicorn_pages{'' if args.page == 'family' else '_' + args.page}", {
        "database": args.database_url.split(":")[0],
        "server": f"gunicorn {args.workers} sync workers, earlyhelp.settings.production, "
                  "127.0.0.1",
        "signed_in_as": manager.role, "clients": args.clients, "rounds": args.rounds,
        "seconds_per_phase": args.seconds, "records": len(ids), "page": args.page,
        "load_average_before": load_before, "load_average_after": load_after,
        "target_ratio_to_bare": TARGET_RATIO, "ratio_to_bare": ratio, "met": not missed,
        "bare_view": bare, "page_result": page,
    })  # fmt: skip
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
