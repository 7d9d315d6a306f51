"""Where targeting keeps its files, and the DuckDB connection a run works in."""

from pathlib import Path

import duckdb
from django.conf import settings

from ..models import TargetingRun


def data_dir() -> Path:
    configured = getattr(settings, "EARLYHELP_TARGETING_DIR", None)
    path = Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "targeting"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_dir(run: TargetingRun) -> Path:
    return data_dir() / run.output_dir


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(getattr(settings, 'EARLYHELP_TARGETING_THREADS', 2))}")
    limit = getattr(settings, "EARLYHELP_TARGETING_MEMORY", "6GB")
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


