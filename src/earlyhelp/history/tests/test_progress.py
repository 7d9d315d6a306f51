"""The run page shows how far an import has got while it runs: read by another process, from
the worker's progress file – the import's own transaction shows nothing until it commits."""

import json
import subprocess
import sys

import pytest

from earlyhelp.history import selectors, services
from earlyhelp.history.generate import generate
from earlyhelp.history.models import ImportRun, RunStatus

from .conftest import ROOT, process_env

# A second process (the page's side): sets up the database and a queued run, then on each line
# it is sent reads the run as the page does and prints what the progress panel shows.
PAGE = """
import sys, django
django.setup()
from pathlib import Path
from django.conf import settings
from django.template.loader import render_to_string
from earlyhelp.history import selectors, services
from earlyhelp.core.models import User
from earlyhelp.history.models import ImportRun
settings.EARLYHELP_HISTORY_DIR = sys.argv[2]
files = {p.name: p.read_bytes() for p in Path(sys.argv[1]).glob("*.csv")}
run = services.import_receive(files=files, source_system="progress-test",
                              acting_user=User.objects.get(username="bench"), enqueue=False)
print(run.pk, flush=True)
for _ in sys.stdin:
    run = selectors.run_progress(ImportRun.objects.get(pk=run.pk))
    panel = " ".join(render_to_string("history/_run_progress.html", {"run": run}).split())
    print(run.status, ImportRun.objects.get(pk=run.pk).rows_done, "|", panel, flush=True)
"""
# The worker, paused after its first progress write until it is sent a line.
WORKER = """
import sys, django
django.setup()
from django.conf import settings
import earlyhelp.history.services as services
settings.EARLYHELP_HISTORY_DIR = sys.argv[2]
write = services.write_progress
def pausing(directory, done, total):
    write(directory, done, total)
    if done == 1000:
        print("paused", flush=True)
        sys.stdin.readline()
services.write_progress = pausing
print(services.import_run(sys.argv[1]).status, flush=True)
"""


def test_the_run_page_shows_rows_done_while_another_process_imports(database_file, tmp_path):
    env = process_env(database_file)
    generate(tmp_path / "extract", families=150)
    staged = str(tmp_path / "staged")
    options = {"env": env, "cwd": ROOT, "stdin": subprocess.PIPE, "stdout": subprocess.PIPE,
               "text": True}
    page = subprocess.Popen([sys.executable, "-c", PAGE,
                             str(tmp_path / "extract"), staged], **options)
    worker = None
    try:
        run_id = page.stdout.readline().strip()
        assert run_id, "the set-up printed no run"
        worker = subprocess.Popen([sys.executable, "-c", WORKER, run_id, staged], **options)
        assert worker.stdout.readline().strip() == "paused"
        page.stdin.write("\n")
        page.stdin.flush()
        # Mid-import: the row itself still says 0 done (the worker's transaction holds its
        # writes); the panel shows the 1,000 of 1,750 rows the worker has done.
        row, panel = page.stdout.readline().split("|")
        assert row.split() == ["running", "0"]
        assert "Checking and importing" in panel and "1000 of 1750" in panel
        assert 'value="57"' in panel and 'hx-trigger="every 2s"' in panel
        worker.stdin.write("\n")
        worker.stdin.flush()
        assert worker.stdout.readline().strip() == "imported"
        assert worker.wait(timeout=60) == 0
        page.stdin.write("\n")
        page.stdin.flush()
        status, rows_done = page.stdout.readline().split("|")[0].split()
        assert (status, rows_done) == ("imported", "1750")
    finally:
        for process in (page, worker):
            if process and process.poll() is None:
                process.kill()
                process.wait()
    assert not (tmp_path / "staged" / run_id).exists()  # the progress file went with the run


@pytest.mark.django_db
def test_the_selector_prefers_the_progress_file_while_running(manager, settings, tmp_path):
    settings.EARLYHELP_HISTORY_DIR = str(tmp_path)
    run = ImportRun.objects.create(source_system="Mosaic", status=RunStatus.RUNNING,
                                   staged_path="7", created_by=manager, modified_by=manager)
    assert selectors.run_progress(run).rows_done == 0  # no file yet: the row's figures
    (tmp_path / "7").mkdir()
    services.write_progress(tmp_path / "7", 250, 1000)
    assert json.loads((tmp_path / "7" / services.PROGRESS_FILE).read_text()) == {
        "done": 250, "total": 1000}
    shown = selectors.run_progress(ImportRun.objects.get(pk=run.pk))
    assert (shown.rows_done, shown.rows, shown.percent) == (250, 1000, 25)
    (tmp_path / "7" / services.PROGRESS_FILE).write_text("{not json")
    assert selectors.run_progress(ImportRun.objects.get(pk=run.pk)).rows_done == 0
    # A finished run's own figures win over a file left behind.
    services.write_progress(tmp_path / "7", 250, 1000)
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.IMPORTED, rows=1000,
                                               rows_done=1000)
    assert selectors.run_progress(ImportRun.objects.get(pk=run.pk)).rows_done == 1000
    # A removed directory (a stale run's) does not stop the worker writing progress.
    services.write_progress(tmp_path / "gone", 1, 2)
