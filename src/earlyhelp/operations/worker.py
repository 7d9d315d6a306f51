"""The task worker: django-tasks-db's worker, with a heartbeat and patience for database outages."""

import logging
import time

from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Worker

from .heartbeat import HeartbeatThread

logger = logging.getLogger(__name__)

OUTAGE_RETRY_SECONDS = 5


class ResilientWorker(Worker):
    """django-tasks-db's loop stops the worker when the database errors; this one waits for the
    database to come back and carries on. A heartbeat thread says it is alive (even mid-task)."""

    def run(self) -> None:
        heart = HeartbeatThread(
            "worker", state=lambda: "running a task" if self.running_task else "idle"
        )
        heart.start()
        try:
            while self.running:
                try:
                    super().run()
                    return  # --batch or --max-tasks finished
                except DatabaseError as error:
                    logger.warning("task worker: database unavailable, retrying: %s", error)
                    connections.close_all()
                    time.sleep(OUTAGE_RETRY_SECONDS)
        finally:
            heart.stop()
