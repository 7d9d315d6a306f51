"""A real ClamAV daemon for tests: its own config, a signature database the test writes (no
machine here can download ClamAV's), a unix socket in a temporary folder. When clamd is missing
or will not start the test fails – CI installs clamav-daemon – it never skips."""

import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from earlyhelp.documents import clamd

# The EICAR anti-virus test file (eicar.org): harmless, and what every scanner is tested with.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Earlyhelp.Test.EICAR"  # clamd reports it with ".UNOFFICIAL" appended


def _binary() -> str:
    for candidate in (shutil.which("clamd"), "/usr/sbin/clamd"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("clamd is not installed: install the Debian package clamav-daemon "
                "(make install and .ci/run do)", pytrace=False)


@contextmanager
def running_clamd(*, start_within: float = 60.0):
    """Start clamd with a database holding one signature (EICAR); yield its socket path."""
    folder = Path(tempfile.mkdtemp(prefix="eh-clamd-"))
    (folder / "db").mkdir()
    (folder / "db" / "earlyhelp-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {folder / 'db'}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nTemporaryDirectory {folder}\n"
        "StreamMaxLength 50M\n")
    process = subprocess.Popen([_binary(), "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + start_within
        while not clamd.ping(str(socket_path)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {process.stderr.read().decode()[-500:]} "
                            f"{log[-500:]}", pytrace=False)
            time.sleep(0.1)
        yield str(socket_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
