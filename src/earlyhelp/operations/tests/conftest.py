import os
import subprocess
import sys

import pytest
from django.conf import settings

SECRET = "test-only-" + "k" * 60


def production_env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.production",
        "EARLYHELP_SECRET_KEY": SECRET,
        "EARLYHELP_ALLOWED_HOSTS": "127.0.0.1",
        **extra,
    }


def earlyhelp(*args, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "earlyhelp.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """collectstatic under production settings (manifest storage) into a temporary folder."""
    root = tmp_path_factory.mktemp("static")
    done = earlyhelp(
        "collectstatic",
        "--no-input",
        "-v",
        "0",
        env=production_env(EARLYHELP_STATIC_ROOT=str(root)),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return root
