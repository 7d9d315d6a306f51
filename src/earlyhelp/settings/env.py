"""The one place settings read the environment."""

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"EARLYHELP_{name}", os.environ.get(name, default))


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_duration(name: str, default: str) -> dt.timedelta:
    """A length of time: a number and a unit (`90s`, `45m`, `6h`, `2d`); a bare number is
    minutes. Anything else stops the settings loading with a message naming the variable."""
    value = (env(name) or default).strip().lower()
    match = re.fullmatch(r"(\d+)\s*([smhd]?)", value)
    if not match or int(match[1]) == 0:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"EARLYHELP_{name} must be a whole number of minutes or a number with a unit "
            f"s, m, h or d (e.g. 6h, 90m) greater than zero, not {value!r}")
    return dt.timedelta(seconds=int(match[1]) * _UNITS[match[2] or "m"])


def database_from_url(url: str) -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/name into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("/") and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            path = str(BASE_DIR / path.lstrip("/"))
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # No memory map (mmap_size=0, SQLite's default, said here on purpose): when
                # another connection has written – every record read writes its audit row – a
                # connection's next read drops its page cache and, with a map, unmaps the whole
                # file, so every page it then touches faults back in. Over gunicorn (2 workers,
                # full-size borough) the family record served 403 requests/s with a 2 GiB map and
                # 442 without; a single connection, which never sees another's writes, is 0.1 ms
                # faster with one (decision sqlite-no-memory-map-under-many-workers, issue 19).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; "
                    "PRAGMA mmap_size=0;"
                ),
            },
            # Kept between requests, as PostgreSQL's are: opening one per request (Django's
            # default) cost each request its own connection, PRAGMAs, schema read and memory map,
            # and after a write (an audit row: every record read) often a checkpoint on closing –
            # over gunicorn the bare view served 306 requests/s with it and 701 without, the
            # family record 179 and 336 (issue 19, docs/capacity.md).
            "CONN_MAX_AGE": 60,
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # No JIT: the access scopes' nested subqueries have large cost estimates, so
            # PostgreSQL compiled them on every request – 2.0 of 2.3 s of a partner's scope query
            # on the full-size borough was JIT compilation (a busy partner's start page: 20 s with
            # it, 1.5 s without). Short OLTP queries never repay it.
            "OPTIONS": {"options": "-c jit=off"},
            # Test a kept connection before reuse: after a database restart the next request
            # reconnects instead of failing.
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")
