"""A kill mid-way leaves nothing half-written: a real process, killed while it imports."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SETUP = """
import sys
from django.core.management import call_command
call_command("migrate", verbosity=0)
from earlyhelp.core.models import CouncilService, Organisation, Role, Team, User
from earlyhelp.history.generate import TEAMS, generate
council = Organisation.objects.create(name="C", type="council", is_council=True)
service = CouncilService.objects.create(name="Early Help")
for name in TEAMS:
    Team.objects.create(name=name, organisation=council, service=service)
User.objects.create(username="bench", role=Role.MANAGER, team=Team.objects.first())
generate(sys.argv[1], families=150)
"""


def test_killing_the_import_mid_way_writes_nothing(tmp_path):
    database = tmp_path / "kill.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test",
           "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + SETUP,
                    str(tmp_path / "extract")], env=env, check=True, cwd=ROOT)
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
