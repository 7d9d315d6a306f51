"""`earlyhelp serve`: start the web server, the task worker and the scheduler; stop them together.

If any of the three stops, the others are stopped and serve exits non-zero, so the service
manager (systemd, a container platform) restarts the whole: never half a service running."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def web_workers() -> int:
    """Gunicorn's rule of thumb, 2 x cores + 1, at most 12; EARLYHELP_WEB_WORKERS or
    WEB_CONCURRENCY overrides it."""
    configured = os.environ.get("EARLYHELP_WEB_WORKERS") or os.environ.get("WEB_CONCURRENCY")
    if configured:
        return max(1, int(configured))
    return min(2 * cores() + 1, 12)


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path | None = None
    process: subprocess.Popen | None = None


def earlyhelp(*args: str) -> list[str]:
    return [sys.executable, "-m", "earlyhelp.cli", *args]


def children(*, bind: str, dev: bool, worker: bool, scheduler: bool, log_dir: Path | None):
    def log(name):
        return log_dir / f"{name}.log" if log_dir else None

    if dev:
        web = earlyhelp("runserver", bind, "--noreload", "--skip-checks")
    else:
        conf = str(Path(__file__).with_name("gunicorn_conf.py"))
        web = [sys.executable, "-m", "gunicorn", "-c", conf, "--bind", bind]
    made = [Child("web", web, log("web"))]
    if worker:
        made.append(Child("worker", earlyhelp("worker"), log("worker")))
    if scheduler:
        made.append(Child("scheduler", earlyhelp("scheduler"), log("scheduler")))
    return made


class Supervisor:
    def __init__(self, children: list[Child], *, stop_timeout: float = 30, say=print):
        self.children = children
        self.stop_timeout = stop_timeout
        self.say = say
        self.stopping = False

    def start(self) -> None:
        for child in self.children:
            out = None
            if child.log:
                child.log.parent.mkdir(parents=True, exist_ok=True)
                out = open(child.log, "ab")  # noqa: SIM115 (kept open for the child's life)
            child.process = subprocess.Popen(
                child.argv, stdout=out, stderr=subprocess.STDOUT if out else None
            )

    def exited(self) -> Child | None:
        return next((c for c in self.children if c.process and c.process.poll() is not None), None)

    def wait(self) -> int:
        """Until a signal or a child's exit; then stop them all. Returns serve's exit status."""

        def on_signal(signum, frame):
            self.stopping = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, on_signal)
        status = 0
        while not self.stopping:
            gone = self.exited()
            if gone:
                self.say(
                    f"earlyhelp serve: {gone.name} stopped (exit status {gone.process.returncode});"
                    " stopping the rest." + (f" See {gone.log}." if gone.log else "")
                )
                status = 1
                break
            time.sleep(0.5)
        self.stop()
        return status

    def stop(self) -> None:
        for child in self.children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            if not child.process:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
