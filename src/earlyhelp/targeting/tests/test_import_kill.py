"""A killed import leaves no personal data that no row points to (issue 11, item 6).

Each case runs a real `targeting_import` in a child process against a real SQLite file, stops
it with SIGKILL at one stage, then runs the sweep (as the next import, or the scheduled
`targeting_sweep_orphans`, would) and checks: no file without a batch row, no batch row without
its file, nothing half-imported visible.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from .test_imports import good_attendance

CHILD = """
import os, sys, time
import django
django.setup()
from django.conf import settings
settings.EARLYHELP_TARGETING_DIR = os.environ["STORE"]
from earlyhelp.targeting import services
stop_at, marker = os.environ["STOP_AT"], os.environ["MARKER"]

def reached(stage):
    if stage == stop_at:
        open(marker, "w").write(stage)
        time.sleep(120)

services._reached = reached
services.import_batch(source_type="school_attendance", path=sys.argv[1])
"""

STATE = """
import json, os
import django
django.setup()
from django.conf import settings
settings.EARLYHELP_TARGETING_DIR = os.environ["STORE"]
from django.core.management import call_command
from earlyhelp.targeting.models import SourceBatch
from earlyhelp.targeting.pipeline.workspace import data_dir
store = data_dir()

def look():
    files = sorted(
        str(p.relative_to(store)) for p in (store / "batches").glob("*/*") if p.is_file()
    )
    rows = [(b.path, (store / b.path).is_file()) for b in SourceBatch.objects.all()]
    return {"files": files, "rows": rows}

before = look()
call_command("targeting_sweep_orphans")
print(json.dumps({"before": before, "after": look()}))
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("killdb")
    db = folder / "base.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "earlyhelp.cli", "migrate", "--verbosity", "0"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{db}"},
        check=True,
    )
    return db


def child_env(tmp_path, db, **extra):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "STORE": str(tmp_path / "store"),
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test",
        **extra,
    }


def sweep(tmp_path, db) -> tuple[dict, dict]:
    """What the store and the database hold before and after `targeting_sweep_orphans`."""
    done = subprocess.run(
        [sys.executable, "-c", STATE],
        env=child_env(tmp_path, db),
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["before"], found["after"]


@pytest.mark.parametrize(
    ("stage", "committed"), [("written", False), ("recorded", False), ("committed", True)]
)
def test_an_import_killed_at_each_stage_leaves_no_orphan(tmp_path, database, stage, committed):
    db = tmp_path / "db.sqlite3"
    shutil.copy(database, db)
    source = good_attendance(tmp_path)
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(source)],
        env=child_env(tmp_path, db, STOP_AT=stage, MARKER=str(marker)),
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "the import ended before reaching the stage"
        assert time.monotonic() < deadline, "the import never reached the stage"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    before, after = sweep(tmp_path, db)
    assert before["files"], "the kill left a staged file behind (what the sweep is for)"
    assert all(name.endswith(".partial") for name in before["files"])
    if committed:
        # The row was committed: the sweep finishes the move, and the batch is whole.
        assert len(after["rows"]) == 1
        path, exists = after["rows"][0]
        assert exists and after["files"] == [path]
    else:
        assert after == {"files": [], "rows": []}


def test_a_live_import_is_not_swept(tmp_path, database):
    """The sweep at the start of one import leaves another's file in progress alone."""
    db = tmp_path / "db.sqlite3"
    shutil.copy(database, db)
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(good_attendance(tmp_path))],
        env=child_env(tmp_path, db, STOP_AT="written", MARKER=str(marker)),
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        _, during = sweep(tmp_path, db)
        assert len(during["files"]) == 1 and during["files"][0].endswith(".partial")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert sweep(tmp_path, db)[1] == {"files": [], "rows": []}
