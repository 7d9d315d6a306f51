"""A run's progress, written to its row as each stage starts, with each stage's time."""

import time
from collections.abc import Callable

from ..models import TargetingRun


class Progress:
    def __init__(self, run: TargetingRun, echo: Callable[[str], None] | None = None):
        self.run = run
        self.echo = echo
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._stage = None
        self._stage_started = self.started

    def __call__(self, stage: str, percent: int):
        now = time.perf_counter()
        if self._stage:
            self.timings[self._stage] = round(now - self._stage_started, 2)
        self._stage, self._stage_started = stage, now
        TargetingRun.objects.filter(pk=self.run.pk).update(stage=stage, progress=percent)
        if self.echo:
            self.echo(f"[{now - self.started:6.1f}s] {percent:3d}% {stage}")

    def finish(self):
        self("Finished", 100)
        self.timings["total"] = round(time.perf_counter() - self.started, 2)

