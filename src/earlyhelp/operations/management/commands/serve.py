"""`earlyhelp serve`: the web server (gunicorn), the task worker and the scheduler, together."""

import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from earlyhelp.operations.supervisor import Supervisor, children, web_workers


class Command(BaseCommand):
    help = (
        "Serve earlyhelp: gunicorn (2 x cores + 1 workers; EARLYHELP_WEB_WORKERS overrides), the "
        "task worker and the scheduler, stopped together. --dev uses Django's development server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument("--dev", action="store_true", help="development server, logs to files")
        parser.add_argument("--no-worker", action="store_true", help="no task worker here")
        parser.add_argument("--no-scheduler", action="store_true", help="no scheduler here")
        parser.add_argument(
            "--log-dir", help="write each process's output to DIR/<name>.log (default: stdout)"
        )

    def handle(self, *args, **options):
        bind, dev = options["bind"], options["dev"]
        log_dir = Path(options["log_dir"]) if options["log_dir"] else None
        if dev and log_dir is None:
            log_dir = Path(settings.BASE_DIR) / "var" / "log"
        processes = children(
            bind=bind,
            dev=dev,
            worker=not options["no_worker"],
            scheduler=not options["no_scheduler"],
            log_dir=log_dir,
        )
        names = ", ".join(c.name for c in processes)
        supervisor = Supervisor(processes, say=lambda line: self.stderr.write(line))
        if not dev:
            self.stderr.write(f"earlyhelp serve: {names} on {bind} ({web_workers()} web workers)")
        started = time.monotonic()
        supervisor.start()
        if dev:
            self.announce(supervisor, bind, started, log_dir)
        raise SystemExit(supervisor.wait())

    def announce(self, supervisor, bind, started, log_dir):
        """Wait until the web server answers, then print the demo logins and the address last."""
        url = f"http://{bind}/"
        while True:
            gone = supervisor.exited()
            if gone:
                supervisor.stop()
                tail = gone.log.read_text(errors="replace").splitlines()[-20:] if gone.log else []
                raise CommandError(f"{gone.name} did not start:\n" + "\n".join(tail))
            try:
                urllib.request.urlopen(url + "healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 until the worker's first heartbeat)
            except OSError:
                time.sleep(0.3)
        self.stdout.write(
            f"  {'Start web server, task worker and scheduler':<44}"
            f"{time.monotonic() - started:6.1f} s\n"
        )
        if "demo" in get_commands():
            call_command("demo", logins=True, stdout=self.stdout)
        self.stdout.write(f"\nearlyhelp is running at {url}  (Ctrl+C stops it; logs in {log_dir}/)")
