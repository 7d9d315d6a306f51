"""The journey of a history import run: queued by the page and run by the task worker, or
recorded whole by the command (which imports in the same call)."""

from earlyhelp.core.workflow import NEW, Machine, Move

from .models import ImportRun, RunStatus

IMPORT_RUN = Machine("history import", ImportRun, (
    Move("queue", (NEW,), RunStatus.QUEUED, "An import is queued only when it is received."),
    Move("start", (RunStatus.QUEUED,), RunStatus.RUNNING,
         "Only an import waiting for the worker can be started."),
    # The command checks and imports in one call: its run is recorded as it finishes.
    Move("import", (NEW, RunStatus.RUNNING), RunStatus.IMPORTED,
         "Only an import being checked can be imported."),
    Move("refuse", (RunStatus.RUNNING,), RunStatus.REFUSED,
         "Only an import being checked can be refused."),
    Move("fail", (RunStatus.RUNNING,), RunStatus.FAILED, "Only an import being checked can fail."),
))
