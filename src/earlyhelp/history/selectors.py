"""Reads for the history pages."""

import json

from .models import ImportRun, RunStatus
from .services import PROGRESS_FILE, history_dir


def run_progress(run: ImportRun) -> ImportRun:
    """The run with its rows done so far: while its worker imports, from the progress file
    beside its files (services.write_progress) – the import's transaction shows nothing of
    itself to anyone else until it commits. Not saved."""
    if run.status == RunStatus.RUNNING and run.staged_path:
        try:
            written = json.loads((history_dir() / run.staged_path / PROGRESS_FILE).read_text())
            run.rows_done, run.rows = int(written["done"]), int(written["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not yet written, or the run has just finished: the row's own figures
    return run
