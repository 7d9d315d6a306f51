"""What the service imports is in the runtime lock.

`make run` and production install `requirements.lock` only; the tests run with the test tools
too (`requirements-dev.lock`), which bring packages of their own (pandas brings numpy). An
import that only the test tools satisfy passes every test and fails on a fresh machine – the
clustering's numpy did, in the demo `make run` loads. Every import in the service's code
(parsed with `ast`, imports inside functions included; tests, test support and migrations
aside) must come from the standard library, earlyhelp, or a distribution named in
requirements.lock.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "earlyhelp"
# Imported only where the optional engine is chosen, and installed by whoever chooses it
# (docs/targeting.md, "Spark").
OPTIONAL = {"pyspark"}


def _service_files():
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "testing" in parts or "migrations" in parts:
            continue
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield path


def _imported_top_levels() -> dict[str, str]:
    """Each imported top-level module, with one place that imports it."""
    found = {}
    for path in _service_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _locked(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==", line)
        if match:
            names.add(_normal(match.group(1)))
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_service_imports_is_in_the_runtime_lock():
    locked = _locked(ROOT / "requirements.lock")
    distributions = metadata.packages_distributions()
    missing = []
    for module, where in sorted(_imported_top_levels().items()):
        if module == "earlyhelp" or module in sys.stdlib_module_names or module in OPTIONAL:
            continue
        names = {_normal(d) for d in distributions.get(module, [])}
        if not names:
            missing.append(f"{module} ({where}): no installed distribution provides it")
        elif not names & locked:
            missing.append(f"{module} ({where}): from {', '.join(sorted(names))}, "
                           "not in requirements.lock")  # fmt: skip
    assert not missing, "Imported by the service but not locked for it:\n" + "\n".join(missing)


def test_the_check_sees_a_package_only_the_test_tools_bring():
    """The check itself can fail: pandas (a test tool's) is not in the runtime lock."""
    locked = _locked(ROOT / "requirements.lock")
    pandas = {_normal(d) for d in metadata.packages_distributions().get("pandas", [])}
    assert pandas and not pandas & locked
