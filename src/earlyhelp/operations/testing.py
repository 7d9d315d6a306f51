"""A throwaway PostgreSQL cluster for tests that stop and start the database themselves
(the same recipe as scripts/with-postgres.sh: as root the server runs as user postgres)."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return found[0].parent


class Cluster:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="earlyhelp-pg-ops."))
        self.port = free_port()
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres")

    def _as_pg(self, *argv, check=True):
        argv = [str(a) for a in argv]
        if self.root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True)

    def init(self):
        self._as_pg(self.bin / "initdb", "-D", self.dir / "data", "-A", "trust", "-U", "earlyhelp")
        self.start()
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._as_pg(
            self.bin / "pg_ctl",
            "-D",
            self.dir / "data",
            "-l",
            self.dir / "log",
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self):
        self._as_pg(self.bin / "pg_ctl", "-D", self.dir / "data", "-w", "stop", "-m", "fast")

    def createdb(self, name: str) -> str:
        self._as_pg(
            self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "earlyhelp", name
        )
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://earlyhelp@127.0.0.1:{self.port}/{name}"

    def remove(self):
        self._as_pg(
            self.bin / "pg_ctl", "-D", self.dir / "data", "stop", "-m", "immediate", check=False
        )
        shutil.rmtree(self.dir, ignore_errors=True)
