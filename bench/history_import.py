"""Benchmark: import a generated SSD extract into a fresh SQLite database; print rows/s.

    .venv/bin/python bench/history_import.py [--families N] [--target ROWS_PER_S]
        [--extract DIR] [--database-url URL_OF_AN_EMPTY_DATABASE] [--profile FILE]

Sized for a shared 2-core machine: 200 families = 2,334 rows by default (~11.7 rows each).
Measured on SQLite: 24 rows/s (2026-11-30), 37 rows/s (2026-12-01, bulk people, households,
contacts; a loaded machine); with episodes in bulk too, 1,026 rows/s for 300 families (238 before,
same run) and 919 rows/s for 1,000 families; a million rows (`--families 85715 --name
history_import_million`) on a shared machine – see docs/history.md. Rows staged as tuples and
no second validation (hist13c): 1,948 rows per CPU second at 2,000 families (SQLite), per stage
~2,100–4,000 at a million. Columns converted only where the driver needs it, no model __init__
(hist13d): the million on PostgreSQL finished, 1,744 s wall at load 8–14, 2,804 rows per CPU
second (bench/results/history_import_million_postgresql.json)."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import setup_django, verdict, write_result  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--target", type=float, default=100.0, help="rows per second at least")
    parser.add_argument("--name", default="history_import", help="bench/results/NAME.json")
    parser.add_argument("--extract", help="a directory to generate the extract into once and "
                        "import from (kept: a million rows take minutes to write)")
    parser.add_argument("--database-url", help="an EMPTY database to migrate and import into "
                        "(default: a new SQLite file)")
    parser.add_argument("--profile", help="write the import's cProfile stats to this file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    database = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    setup_django(database, settings="earlyhelp.settings.test")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from earlyhelp.core.models import CouncilService, Organisation, Role, Team, User
    from earlyhelp.history.generate import TEAMS, generate
    from earlyhelp.history.services import history_import

    council, _ = Organisation.objects.get_or_create(name="Bench Council", type="council",
                                                    is_council=True)
    service, _ = CouncilService.objects.get_or_create(name="Early Help")  # the manager's
    for name in TEAMS:
        Team.objects.get_or_create(name=name, organisation=council, service=service)
    user, _ = User.objects.get_or_create(username="bench", role=Role.MANAGER,
                                         team=Team.objects.get(name=TEAMS[0]))
    extract = Path(args.extract) if args.extract else work / "extract"
    if extract.is_dir() and any(extract.glob("*.csv")):
        rows = sum(sum(1 for _ in f.open()) - 1 for f in extract.glob("*.csv"))
        with (extract / "ssd_family.csv").open() as households:  # fami_family_id, 2nd column
            args.families = len({line.split(",")[1] for line in list(households)[1:]})
        print(f"reusing {rows:,} rows ({args.families:,} families) in {extract}", flush=True)
    else:
        rows = generate(extract, families=args.families)
        print(f"generated {rows:,} rows ({args.families:,} families) in {extract}", flush=True)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu = time.perf_counter(), time.process_time()
    last = [start, 0]

    def progress(done, total):
        now = time.perf_counter()
        if done == total or now - last[0] >= 10:  # a line every 10 s, with its own rate
            print(f"  {done:,} of {total:,} rows; {(done - last[1]) / (now - last[0]):,.0f} "
                  f"rows/s lately; {time.process_time() - cpu:,.0f} CPU s", flush=True)
            last[:] = [now, done]

    result = history_import(source=extract, acting_user=user, source_system="bench",
                            progress=progress, report=lambda line: print(f"  {line}", flush=True))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    if not result.ok:
        print("\n".join(str(p) for p in result.problems[:20]))
        return 1
    rate = rows / seconds
    print(f"a million rows at this rate: about {1_000_000 / rate / 60:,.0f} minutes")
    print(f"imported {rows:,} rows in {seconds:.1f} s: {rate:,.0f} rows/s; "
          f"created {dict(result.created)}; {cpu:.1f} s of CPU: {rows / cpu:,.0f} rows per "
          "CPU second (what a shared machine's load does not change)")
    import os
    import resource

    write_result(args.name, {"families": args.families, "rows": rows,
                                    "seconds": round(seconds, 1), "rows_per_second": round(rate),
                                    "cpu_seconds": round(cpu, 1),
                                    "rows_per_cpu_second": round(rows / cpu),
                                    "target_rows_per_second": args.target,
                                    "million_rows_minutes": round(1_000_000 / rate / 60),
                                    "peak_rss_mib": round(resource.getrusage(
                                        resource.RUSAGE_SELF).ru_maxrss / 1024),
                                    "load_average": [round(x, 1) for x in os.getloadavg()],
                                    "database": "postgresql" if database.startswith(
                                        "postgres") else "sqlite"})
    return verdict([] if rate >= args.target else [f"{rate:.0f} rows/s < {args.target}"])


if __name__ == "__main__":
    sys.exit(main())
