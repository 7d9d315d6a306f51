"""What /healthz reports: the database answers, every migration is applied, the task worker (and
the scheduler) beat recently. Counts and ages only: nothing about any person."""

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .heartbeat import newest

_expected: set | None = None  # the migrations on disk: read once per process


def _expected_migrations() -> set:
    global _expected
    if _expected is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _expected = set(loader.graph.nodes)
    return _expected


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "EARLYHELP_HEARTBEAT_STALE_SECONDS", 120)))


def required() -> set[str]:
    return set(getattr(settings, "EARLYHELP_HEALTH_REQUIRES", ["database", "migrations", "worker"]))


def report() -> tuple[bool, dict]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except DatabaseError:
        checks["database"] = {"ok": False, "detail": "the database does not answer"}
    if checks["database"]["ok"]:
        try:
            applied = set(MigrationRecorder(connection).applied_migrations())
            pending = len(_expected_migrations() - applied)
            checks["migrations"] = {"ok": pending == 0, "pending": pending}
            now = timezone.now()
            for kind in ("worker", "scheduler"):
                last = newest(kind)
                age = round((now - last.beat_at).total_seconds()) if last else None
                checks[kind] = {
                    "ok": last is not None and now - last.beat_at <= stale_after(),
                    "last_beat_seconds_ago": age,
                }
        except DatabaseError:
            checks["database"] = {"ok": False, "detail": "the database failed mid-check"}
    for name in ("migrations", "worker", "scheduler"):
        checks.setdefault(name, {"ok": False, "detail": "not checked: no database"})
    healthy = all(checks[name]["ok"] for name in required() if name in checks)
    for name, check in checks.items():
        check["required"] = name in required()
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": checks}
