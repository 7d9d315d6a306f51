"""Shared set-up for benchmarks: point Django at a benchmark database, time calls, write JSON."""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BOROUGH = ROOT / "var" / "bench" / "borough.sqlite3"


def setup_django(database_url: str | None = None, settings: str = "earlyhelp.settings.local"):
    sys.path.insert(0, str(ROOT / "src"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ.setdefault("EARLYHELP_DEBUG", "false")
    import django

    django.setup()


def start_as_the_server_does() -> None:
    """What earlyhelp.wsgi does when a worker starts, before its first request: every view
    imported and template compiled, then the garbage collector set for serving
    (operations.collector) – the in-process benchmarks measure the pages as a worker runs them.
    Call it after the benchmark's own preparation, just before measuring."""
    import earlyhelp.wsgi  # noqa: F401 – importing it is the worker's start


def warm_file_cache(database_url: str) -> None:
    """Read the database's files once, so the operating system holds them in memory as a
    server's running database would be: the first page of each family otherwise measured the
    disk (a family record's first visit took 9 ms of reads on SQLite where a warm one takes
    1.5 ms), not the software. SQLite: the file (and its WAL); PostgreSQL: the data directory of
    the benchmark cluster (bench/_postgres.py) when it is this machine's. Prints what it read."""
    import urllib.parse

    if database_url.startswith("sqlite"):
        path = Path(urllib.parse.urlparse(database_url).path)
        if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
            path = ROOT / str(path).lstrip("/")
        files = [f for f in (path, Path(f"{path}-wal")) if f.exists()]
    else:
        data = ROOT / "var" / "bench" / "pg" / "data" / "base"
        files = [f for f in data.rglob("*") if f.is_file()] if data.exists() else []
    started, read = time.perf_counter(), 0
    for file in files:
        with open(file, "rb") as handle:
            while chunk := handle.read(8 << 20):
                read += len(chunk)
    seconds = time.perf_counter() - started
    print(f"file cache warmed: {read / 2**20:,.0f} MiB read in {seconds:.1f} s")


class QueryCounter:
    """Counts the queries run inside it (`.count`). Not Django's CaptureQueriesContext while
    timing: that turns on the debug cursor, which keeps each query's SQL and on SQLite asks the
    database to quote its parameters – a cost in the measured time that grew with a page's
    number of queries (0.4 ms of a 4.4 ms family record on SQLite, against 0.1 ms of the bare
    view's)."""

    def __init__(self, connection):
        self._connection = connection
        self.count = 0

    def _counted(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self.count = 0
        self._wrapper = self._connection.execute_wrapper(self._counted)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def summary(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {
        "n": len(ordered),
        "p50_ms": round(pct(50), 2),
        "p95_ms": round(pct(95), 2),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def write_result(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def stop_server(process, seconds: float = 30) -> None:
    """Stop a server the benchmark started (gunicorn finishes its requests on SIGTERM)."""
    import signal
    import subprocess

    process.send_signal(signal.SIGTERM)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def verdict(missed: list[str]) -> int:
    """Exit status of a benchmark: 0 when every target is met, else 1, each missed one named."""
    for line in missed:
        print(f"MISSED TARGET: {line}", file=sys.stderr)
    if not missed:
        print("targets met")
    return 1 if missed else 0


def profile_requests(call, urls: list[str], *, title: str, top: int = 18) -> str:
    """cProfile `call(url)` over `urls`; print and return the functions with the most own time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls:
        call(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    text = "\n".join(
        line for line in out.getvalue().splitlines()
        if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced"))
    )  # fmt: skip
    print(f"--- profile, {title} (own time) ---\n{text}")
    return text
