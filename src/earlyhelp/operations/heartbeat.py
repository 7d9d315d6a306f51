"""Heartbeats: the task worker and the scheduler write one every half minute; /healthz reads
them."""

import datetime as dt
import logging
import os
import socket
import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 30
KEEP = dt.timedelta(days=1)  # a process gone for a day is forgotten


def process_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


def beat(kind: str, *, started_at: dt.datetime, state: str = "") -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name=process_name(kind),
        defaults={"kind": kind, "beat_at": now, "state": state[:200]},
        create_defaults={
            "kind": kind,
            "beat_at": now,
            "state": state[:200],
            "started_at": started_at,
        },
    )
    Heartbeat.objects.filter(beat_at__lt=now - KEEP).delete()


def newest(kind: str) -> Heartbeat | None:
    return Heartbeat.objects.filter(kind=kind).order_by("-beat_at").first()


class HeartbeatThread(threading.Thread):
    """Beats from a thread, so a worker busy with a long task still says it is alive.
    A database outage is logged and waited out: the beat resumes when the database returns."""

    def __init__(self, kind: str, state=lambda: "", interval: float = INTERVAL_SECONDS):
        super().__init__(name=f"{kind}-heartbeat", daemon=True)
        self.kind, self.state, self.interval = kind, state, interval
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.kind, started_at=self.started_at, state=self.state())
            except DatabaseError as error:
                logger.warning("heartbeat not written (database unavailable): %s", error)
            finally:
                connection.close()  # this thread's own connection: never left half-broken
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
