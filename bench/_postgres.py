"""A PostgreSQL 15 cluster for the benchmarks that keeps its data: var/bench/pg (127.0.0.1 only).

    python bench/_postgres.py start    # start it (initdb the first time); prints DATABASE_URL
    python bench/_postgres.py stop
    python bench/_postgres.py url      # the DATABASE_URL of database "borough"

Unlike scripts/with-postgres.sh (a throwaway cluster per command), the benchmark borough is
generated into it once (about ten minutes) and reused by the load test. fsync is off: it is a
benchmark copy, rebuilt by bench/bench_generate.py if lost.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_DIR = ROOT / "var" / "bench" / "pg"
PORT = int(os.environ.get("BENCH_PG_PORT", "54329"))
USER = "earlyhelp"
DATABASE = os.environ.get("BENCH_PG_DATABASE", "borough")


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return path


def _as_pg(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the postgres user there.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def url(database: str = DATABASE) -> str:
    return f"postgres://{USER}@127.0.0.1:{PORT}/{database}"


def running() -> bool:
    result = subprocess.run([_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(PORT)],
                            capture_output=True)  # fmt: skip
    return result.returncode == 0


def start() -> str:
    data = PG_DIR / "data"
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres")
    if not (data / "PG_VERSION").exists():
        subprocess.run(_as_pg([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", USER]),
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    if not running():
        options = (f"-p {PORT} -k {PG_DIR} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=512MB")  # fmt: skip
        subprocess.run(_as_pg([_bin("pg_ctl"), "-D", str(data), "-l", str(PG_DIR / "log"), "-w",
                               "-o", options, "start"]), check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    exists = subprocess.run(
        [_bin("psql"), "-h", "127.0.0.1", "-p", str(PORT), "-U", USER, "-d", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run([_bin("createdb"), "-h", "127.0.0.1", "-p", str(PORT), "-U", USER,
                        DATABASE], check=True)  # fmt: skip
    return url()


def stop() -> None:
    data = PG_DIR / "data"
    if (data / "PG_VERSION").exists() and running():
        subprocess.run(_as_pg([_bin("pg_ctl"), "-D", str(data), "stop", "-m", "fast"]),
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "start":
        print(start())
    elif command == "stop":
        stop()
    elif command == "url":
        print(url())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
