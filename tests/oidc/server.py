"""Start and stop the real OpenID Connect provider (tests/oidc/provider.mjs, node-oidc-provider)
for single sign-on tests. It listens on 127.0.0.1 on a free port.

`make test` installs it (`npm ci --prefix tests/oidc`); without Node.js the tests that need it are
skipped with a loud reason, never silently."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
PACKAGE = HERE / "node_modules" / "oidc-provider" / "package.json"
START_SECONDS = 60


def missing_reason() -> str | None:
    if shutil.which("node") is None:
        return (
            "SINGLE SIGN-ON TESTS SKIPPED: Node.js is not installed, so the real OpenID Connect "
            "provider (node-oidc-provider) cannot run. Install nodejs and npm, then `make test`."
        )
    if not PACKAGE.exists():
        return (
            "SINGLE SIGN-ON TESTS SKIPPED: the test OpenID Connect provider is not installed – "
            "run `make test` (or `npm ci --prefix tests/oidc`)."
        )
    return None


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen
    config_file: Path
    log: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.config_file.unlink(missing_ok=True)


def start(*, clients: list[dict], accounts: dict) -> RunningProvider:
    """Run the provider with these clients (OAuth client metadata) and accounts; wait until it
    answers and return its issuer URL."""
    handle = tempfile.NamedTemporaryFile(
        "w", suffix=".json", prefix="earlyhelp-oidc-", delete=False
    )
    with handle:
        json.dump({"clients": clients, "accounts": accounts}, handle)
    process = subprocess.Popen(
        ["node", str(SCRIPT), handle.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=HERE,
    )
    log: list[str] = []
    ready = threading.Event()
    issuer: list[str] = []

    def read() -> None:  # keeps draining the pipe so the provider never blocks on its output
        for line in process.stdout:
            log.append(line.rstrip())
            if line.startswith("READY ") and not ready.is_set():
                issuer.append(line.split(" ", 1)[1].strip())
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(START_SECONDS) or not issuer:
        process.kill()
        process.wait()
        raise RuntimeError("the test OpenID Connect provider did not start:\n" + "\n".join(log))
    return RunningProvider(
        issuer=issuer[0], process=process, config_file=Path(handle.name), log=log
    )
