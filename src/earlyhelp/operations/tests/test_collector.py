"""The web worker's garbage collector (operations.collector), set by earlyhelp.wsgi. Each case
runs in a fresh interpreter: tuning this test process's collector would change every test after
it."""

import json
import os
import subprocess
import sys

from earlyhelp.operations.collector import YOUNG_COLLECTION_THRESHOLD

_REPORT = (
    "import gc, json; {setup}; "
    "print(json.dumps({{'threshold': gc.get_threshold(), 'frozen': gc.get_freeze_count()}}))"
)


def _collector_after(setup: str, **env) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _REPORT.format(setup=setup)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test",
             "EARLYHELP_WARM_UP": "false", **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_tuning_freezes_what_is_loaded_and_collects_young_objects_less_often():
    before = _collector_after("pass")
    after = _collector_after(
        "from earlyhelp.operations.collector import tune_for_serving; tune_for_serving()"
    )
    assert before["frozen"] == 0 and before["threshold"][0] < YOUNG_COLLECTION_THRESHOLD
    assert after["frozen"] > 1000  # the modules and objects loaded so far
    # The older generations keep the interpreter's own thresholds
    assert after["threshold"] == [YOUNG_COLLECTION_THRESHOLD, *before["threshold"][1:]]


def test_the_wsgi_application_tunes_its_worker_unless_told_not_to():
    tuned = _collector_after("import earlyhelp.wsgi")
    untouched = _collector_after("import earlyhelp.wsgi", EARLYHELP_TUNE_COLLECTOR="false")
    assert tuned["threshold"][0] == YOUNG_COLLECTION_THRESHOLD and tuned["frozen"] > 1000
    assert untouched["threshold"][0] != YOUNG_COLLECTION_THRESHOLD
    assert untouched["frozen"] == 0


def test_an_interpreter_with_a_tuned_collector_exits_cleanly():
    # The frozen objects are handed back at exit, so extension modules report no leaks
    done = subprocess.run(
        [sys.executable, "-c", "import earlyhelp.wsgi"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test",
             "EARLYHELP_WARM_UP": "true"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stderr
