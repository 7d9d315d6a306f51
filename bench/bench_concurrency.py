"""Concurrent audited reads on PostgreSQL: do reads queue on a shared row, and does throughput
grow with gunicorn workers?

    scripts/with-postgres.sh .venv/bin/python bench/bench_concurrency.py [--clients 20]
        [--workers 1,2,4] [--seconds 15] [--families 2000] [--modes head-lock,sealer]

Loads a demo borough into the (empty) PostgreSQL database at DATABASE_URL, then for each audit
mode and worker count starts gunicorn on 127.0.0.1 (bench/concurrency_app.py) and has 20 client
threads fetch family records – each an audited read – for a fixed time. Meanwhile a sampler asks
PostgreSQL every 10 ms how many backends wait on a lock. Modes: `sealer` is earlyhelp as it is
(a read inserts its audit row, nothing more); `head-lock` puts back the old append (lock and
update the single chain-head row) for comparison in the same run.
Targets (issue 19): with the sealer, no backend ever waits on a lock, and requests/s with the
most workers is at least 1.5× that with one worker.
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from _common import ROOT, setup_django, summary, verdict, write_result

PATHS = os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(families: int):
    """Migrate, load a demo borough if empty, seal, and sign in one session per client."""
    from django.core.management import call_command

    from earlyhelp.cases.models import Episode
    from earlyhelp.core.models import Role, User
    from earlyhelp.people.models import Family

    call_command("migrate", verbosity=0)
    if not Family.objects.exists():
        call_command("demo", families=families, seed=42, verbosity=0)
    call_command("audit_seal", verbosity=0)
    manager = (
        User.objects.filter(role=Role.MANAGER, is_active=True, team__service__isnull=False)
        .select_related("team")
        .first()
    )
    family_ids = list(
        Episode.objects.filter(team__service_id=manager.team.service_id)
        .values_list("family_id", flat=True)
        .distinct()[:500]
    )
    return manager, [str(pk) for pk in family_ids]


def _sessions(user, n: int) -> list[str]:
    from django.test import Client

    from earlyhelp.core.testing.two_factor import verified_login

    cookies = []
    for _ in range(n):
        client = Client()
        verified_login(client, user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def _lock_sampler(stop: threading.Event, samples: list):
    from django.db import connection

    with connection.cursor() as cursor:
        while not stop.is_set():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            samples.append(cursor.fetchone()[0])
            time.sleep(0.01)
    connection.close()


def _run(mode, workers, clients, seconds, cookies, family_ids, seed) -> dict:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": PATHS,
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.local",
        "EARLYHELP_DEBUG": "false",
        "EARLYHELP_BENCH_AUDIT": mode,
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "concurrency_app:application", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, cwd=ROOT / "bench",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/sign-in/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        latencies, errors = [], []
        stop, warm = threading.Event(), threading.Event()

        def client(n):
            rng = random.Random(seed + n)
            cookie = f"sessionid={cookies[n % len(cookies)]}"
            while not stop.is_set():
                url = f"{base}/families/{rng.choice(family_ids)}/"
                request = urllib.request.Request(url, headers={"Cookie": cookie})
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        response.read()
                        status = response.status
                except Exception as error:  # noqa: BLE001 – every failure is counted
                    errors.append(repr(error))
                    continue
                if status != 200:
                    errors.append(status)
                elif warm.is_set():
                    latencies.append((time.perf_counter() - start) * 1000)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        time.sleep(2)  # every worker has served a request or two
        warm.set()
        lock_samples: list[int] = []
        sampler_stop = threading.Event()
        sampler = threading.Thread(target=_lock_sampler, args=(sampler_stop, lock_samples))
        sampler.start()
        started = time.perf_counter()
        time.sleep(seconds)
        elapsed = time.perf_counter() - started
        done = len(latencies)
        stop.set()
        sampler_stop.set()
        for t in threads:
            t.join()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    stats = summary(latencies or [0.0])
    waiting = [s for s in lock_samples if s]
    result = {
        **stats,
        "requests_per_s": round(done / elapsed, 1),
        "errors": len(errors),
        "first_errors": [str(e) for e in errors[:3]],
        "lock_samples": len(lock_samples),
        "samples_with_lock_wait_pct": round(100 * len(waiting) / max(1, len(lock_samples)), 1),
        "max_backends_waiting_on_lock": max(lock_samples or [0]),
    }
    print(
        f"{mode:<10} workers {workers}  {result['requests_per_s']:>6.1f} req/s  "
        f"p50 {stats['p50_ms']:>7.1f} ms  p95 {stats['p95_ms']:>7.1f} ms  errors {len(errors)}  "
        f"lock waits in {result['samples_with_lock_wait_pct']:>5.1f}% of samples "
        f"(max {result['max_backends_waiting_on_lock']} backends)"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--modes", default="head-lock,sealer")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        print("needs PostgreSQL: scripts/with-postgres.sh .venv/bin/python "
              "bench/bench_concurrency.py", file=sys.stderr)  # fmt: skip
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    setup_django(args.database_url)
    manager, family_ids = _prepare(args.families)
    cookies = _sessions(manager, args.clients)
    workers = [int(w) for w in args.workers.split(",")]
    modes = args.modes.split(",")
    print(f"{args.clients} clients, family records of {len(family_ids)} families, "
          f"{args.seconds:.0f} s per run, {os.cpu_count()} CPUs")  # fmt: skip
    from django.db import connection

    connection.close()  # gunicorn's workers get their own connections
    results = {
        mode: {str(w): _run(mode, w, args.clients, args.seconds, cookies, family_ids, args.seed)
               for w in workers}  # fmt: skip
        for mode in modes
    }
    from earlyhelp.core.audit import seal, verify_chain

    if "head-lock" not in modes:  # the emulated old append leaves the head as it was: skip then
        seal()
        chain = verify_chain()
        print(f"audit chain after the run: {'intact' if chain.ok else chain.problem}, "
              f"{chain.rows_checked} rows")  # fmt: skip
    missed = []
    if "sealer" in modes:
        new = results["sealer"]
        for w, r in new.items():
            if r["max_backends_waiting_on_lock"]:
                missed.append(f"sealer, {w} workers: a backend waited on a lock")
            if r["errors"]:
                missed.append(f"sealer, {w} workers: {r['errors']} failed requests")
        one, most = new[str(min(workers))], new[str(max(workers))]
        if len(workers) > 1 and most["requests_per_s"] < 1.5 * one["requests_per_s"]:
            missed.append(
                f"throughput {most['requests_per_s']} req/s with {max(workers)} workers is under "
                f"1.5× the {one['requests_per_s']} with {min(workers)}"
            )
    write_result(
        "concurrency",
        {"database": "postgresql", "clients": args.clients, "seconds": args.seconds,
         "results": results},
    )  # fmt: skip
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
