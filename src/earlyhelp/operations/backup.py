"""Backups: the database and the files the system keeps, in one dated archive; and the restore.

The archive (earlyhelp-backup-YYYYmmddTHHMMSSZ.tar) holds
    manifest.json        what is inside: database kind, row counts and a digest of a sample of
                         rows per table, a checksum per file, the migrations applied
    database.dump        PostgreSQL: pg_dump's custom format (compressed; pg_restore reads it)
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup API
    files/<name>/...     each folder in EARLYHELP_FILE_DIRS (targeting batches and runs, media)
A restore goes only into an empty database and empty folders, then checks the counts, the
samples and the file checksums against the manifest, and the audit trail's hash chain."""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
SAMPLE_ROWS = 25


class BackupError(Exception):
    pass


# --- what the system keeps -----------------------------------------------------------------------


def file_dirs() -> dict[str, Path]:
    return {
        name: Path(getattr(settings, setting))
        for name, setting in settings.EARLYHELP_FILE_DIRS.items()
    }


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def table_facts(sqlite_file: Path | None = None) -> dict[str, dict]:
    """Row count and a digest of the first rows (by primary key) of every table: of this
    database, or (SQLite) of a database file read with a plain connection of its own."""
    if sqlite_file is not None:
        plain = sqlite3.connect(sqlite_file)
        try:
            present = {r[0] for r in plain.execute("SELECT name FROM sqlite_master")}
            tables = [t for t in _model_tables() if t in present]

            def pk(cursor, table):
                columns = plain.execute(f'PRAGMA table_info("{table}")').fetchall()
                keys = [c[1] for c in columns if c[5]]
                return keys[0] if len(keys) == 1 else None

            return _facts(plain.cursor(), tables, pk, lambda n: f'"{n}"')
        finally:
            plain.close()
    with connection.cursor() as cursor:
        return _facts(cursor, _tables(), _primary_key, connection.ops.quote_name)


def _model_tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=False))


def _facts(cursor, tables, primary_key, quote) -> dict[str, dict]:
    facts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (Django's names)
        count = cursor.fetchone()[0]
        pk = primary_key(cursor, table)
        order = f" ORDER BY {quote(pk)}" if pk else ""
        cursor.execute(f"SELECT * FROM {quote(table)}{order} LIMIT {SAMPLE_ROWS}")  # noqa: S608
        rows = json.dumps([list(map(_plain, row)) for row in cursor.fetchall()], default=str)
        facts[table] = {"rows": count, "sample": hashlib.sha256(rows.encode()).hexdigest()}
    return facts


def _primary_key(cursor, table) -> str | None:
    constraints = connection.introspection.get_constraints(cursor, table)
    for info in constraints.values():
        if info["primary_key"] and len(info["columns"]) == 1:
            return info["columns"][0]
    return None


def _plain(value):
    # The same value reads the same whichever driver type carries it.
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value) if value is not None else None


def _checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            sums[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


# --- the database tools ------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    configured = getattr(settings, "EARLYHELP_PG_BIN", None) or os.environ.get("PG_BIN")
    candidates = [Path(configured) / name] if configured else []
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BIN")


def _pg_env_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args + ["--dbname", db["NAME"]]


def _vendor() -> str:
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


# --- backup ------------------------------------------------------------------------------------


def backup(out_dir: Path | None = None) -> Path:
    """Write one archive into `out_dir` (EARLYHELP_BACKUP_DIR by default); return its path."""
    out_dir = Path(out_dir or settings.EARLYHELP_BACKUP_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    archive = out_dir / f"earlyhelp-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    vendor = _vendor()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work:
        work = Path(work)
        # The counts, the samples and the dump come from one snapshot of the database, so a
        # backup taken while people work still matches its own manifest.
        migrations = sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        )
        if vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                tables = table_facts()
                env, args = _pg_env_args()
                dump = work / "database.dump"
                _run(
                    [
                        _pg_tool("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(dump),
                        *args,
                    ],
                    env,
                )
        else:
            dump = work / "database.sqlite3"
            _sqlite_copy(settings.DATABASES["default"]["NAME"], dump)  # online backup API
            tables = table_facts(sqlite_file=dump)  # of the copy: the same snapshot
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": vendor,
            "database_file": dump.name,
            "migrations": migrations,
            "tables": tables,
            "files": {},
        }
        for name, root in file_dirs().items():
            manifest["files"][name] = _checksums(root)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(work / manifest["database_file"], manifest["database_file"])
            for name, root in file_dirs().items():
                if root.is_dir():
                    tar.add(root, f"files/{name}")
        partial.rename(archive)  # a half-written archive never looks like a backup
    archive.chmod(0o600)  # it holds every family's records
    return archive


# --- restore -----------------------------------------------------------------------------------


def restore(archive: Path) -> dict:
    """Restore an archive into this (empty) database and (empty) file folders; check it."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    vendor = _vendor()
    if _tables():
        raise BackupError(
            "the database is not empty: restore only into a new, empty database "
            "(createdb a new one and point DATABASE_URL at it)"
        )
    busy = [str(root) for root in file_dirs().values() if root.is_dir() and any(root.iterdir())]
    if busy:
        raise BackupError(f"these folders are not empty: {', '.join(busy)}")
    with tempfile.TemporaryDirectory(prefix="earlyhelp-restore-") as work:
        work = Path(work)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["database"] != vendor:
            raise BackupError(
                f"this backup is of a {manifest['database']} database; this one is {vendor}"
            )
        if vendor == "postgresql":
            env, args = _pg_env_args()
            _run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(work / manifest["database_file"]),
                ],
                env,
            )
        else:
            connection.close()
            name = settings.DATABASES["default"]["NAME"]
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
            _sqlite_copy(work / manifest["database_file"], name)
        for name, root in file_dirs().items():
            saved = work / "files" / name
            if saved.is_dir():
                root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(saved, root, dirs_exist_ok=True)
    connection.close()
    return check(manifest)


def check(manifest: dict) -> dict:
    """Compare what is here now with the manifest: counts, samples and file checksums."""
    if manifest["database"] == "sqlite":
        now = table_facts(sqlite_file=settings.DATABASES["default"]["NAME"])
    else:
        now = table_facts()
    problems = [
        f"table {table}: {facts} in the backup, {now.get(table)} here"
        for table, facts in manifest["tables"].items()
        if now.get(table) != facts
    ]
    for name, root in file_dirs().items():
        if _checksums(root) != manifest["files"].get(name, {}):
            problems.append(f"files in {name} ({root}) differ from the backup")
    return {
        "tables": len(manifest["tables"]),
        "rows": sum(t["rows"] for t in manifest["tables"].values()),
        "files": sum(len(f) for f in manifest["files"].values()),
        "problems": problems,
    }


def _sqlite_copy(source_path, target_path) -> None:
    """SQLite's online backup API: a consistent copy even while the service writes."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-2000:]}")
