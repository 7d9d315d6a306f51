"""A kill mid-way leaves nothing half-written: a real process, killed while it imports."""

import signal
import sqlite3
import subprocess
import sys
import time

from earlyhelp.history.generate import generate

from .conftest import ROOT, process_env


def test_killing_the_import_mid_way_writes_nothing(database_file, tmp_path):
    database = database_file
    env = process_env(database)
    generate(tmp_path / "extract", families=150)
    # The command, with the import's records inserted every 300 audit rows (not 50,000): by
    # the kill, thousands of rows are in the database, in the import's uncommitted transaction.
    run = subprocess.Popen(
        [sys.executable, "-c", "import sys, django; django.setup()\n"
         "import earlyhelp.history.bulk as bulk\nbulk.SPILL = 300\n"
         "from django.core.management import call_command\n"
         "call_command('history_import', sys.argv[1], user='bench', source_system='kill-test')",
         str(tmp_path / "extract")],
        env=env, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    # The first progress line: 1,000 of 1,750 rows done – every person (450) inserted, the
    # households too, the contacts and episodes being staged – and nothing committed.
    line = run.stderr.readline()
    assert "1,000 of" in line, line
    run.send_signal(signal.SIGKILL)
    run.wait()
    time.sleep(0.2)
    assert run.returncode == -signal.SIGKILL
    with sqlite3.connect(database) as db:
        people = db.execute("select count(*) from people_person").fetchone()[0]
        marks = db.execute("select count(*) from history_sourcerecord").fetchone()[0]
        audit = db.execute("select count(*) from core_auditevent where reason = "
                           "'imported history'").fetchone()[0]
    assert (people, marks, audit) == (0, 0, 0)
