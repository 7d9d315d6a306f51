"""Benchmark: import a generated SSD extract into a fresh SQLite database; print rows/s.

    .venv/bin/python bench/history_import.py [--families N] [--target ROWS_PER_S]

Sized for a shared 2-core machine: 200 families = 2,334 rows by default (~11.7 rows each).
Measured on SQLite: 24 rows/s (2026-11-30), 37 rows/s (2026-12-01, bulk people, households,
contacts; a loaded machine); with episodes in bulk too, 1,026 rows/s for 300 families (238 before,
same run) and 919 rows/s for 1,000 families; a million rows (`--families 85715 --name
history_import_million`) on a shared machine – see docs/history.md."""

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
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    setup_django(f"sqlite:///{work / 'bench.sqlite3'}", settings="earlyhelp.settings.test")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from earlyhelp.core.models import CouncilService, Organisation, Role, Team, User
    from earlyhelp.history.generate import TEAMS, generate
    from earlyhelp.history.services import history_import

    council = Organisation.objects.create(name="Bench Council", type="council", is_council=True)
    service = CouncilService.objects.create(name="Early Help")  # the manager's: may close
    for name in TEAMS:
        Team.objects.create(name=name, organisation=council, service=service)
    user = User.objects.create(username="bench", role=Role.MANAGER,
                               team=Team.objects.first())
    rows = generate(work / "extract", families=args.families)
    print(f"generated {rows:,} rows ({args.families:,} families) in {work / 'extract'}")
    start, cpu = time.perf_counter(), time.process_time()
    result = history_import(
        source=work / "extract", acting_user=user, source_system="bench",
        progress=lambda done, total: print(f"  {done:,} of {total:,} rows", flush=True),
        report=lambda line: print(f"  {line}", flush=True))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
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
                                    "database": "sqlite"})
    return verdict([] if rate >= args.target else [f"{rate:.0f} rows/s < {args.target}"])


if __name__ == "__main__":
    sys.exit(main())
