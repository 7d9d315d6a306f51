"""The layers of the house (docs/architecture.md), enforced on every import.

Every module under src/earlyhelp is parsed with `ast` – imports inside functions included – and
each import of another earlyhelp app is checked against the rules below. A failure names the
file, the line and the rule it breaks. Tests, test support and migrations are the top of the
house: they may import anything, but nothing else may import them.

Vocabulary (see docs/architecture.md for the why):
- layer: core < base (people, thresholds) < domain < above; `access` sits beside the domain;
  `web` is the shared page kit; `top` (api, operations, sso, demo, settings, root) imports anything.
- tier, inside an app: "data" (models, rules, journey: what a record is and may do), "logic"
  (services, selectors and everything else), "pages" (views, forms, urls, templatetags), "entry" (an app's
  api module or package, management commands: the outside edges, allowed what their app's logic
  is plus pages, other apps' logic and the shared API kit).
"""

import ast
import fnmatch
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "earlyhelp"

CORE = "core"
BASE = ("people", "thresholds")
# The domain, lowest first. A domain app's logic may import the logic of apps before it in this
# list and the data (models, rules) of any domain app; its data may import only the data of
# apps before it. Derived from the code: triage opens an episode (frontdoor -> cases), the
# assessment and plan lock their episode (-> cases), panels refer to services (-> directory).
DOMAIN = ("cases", "frontdoor", "assessments", "plans", "directory", "panels", "targeting")
ACCESS = "access"
ABOVE = ("governance", "worklists", "insights", "strategy", "results", "history", "documents",
         "letters")
WEB = "web"
TOP = (
    "api", "operations", "sso", "demo", "settings", "testing", "urls", "wsgi", "cli", "journey",
)

DATA_MODULES = {"models", "rules", "journey"}
PAGE_MODULES = {"views", "forms", "urls", "templatetags", "templates"}
ENTRY_MODULES = {"api", "management"}
EXEMPT_DIRS = {"tests", "testing", "migrations"}  # and conftest.py
# ("testing": test support – earlyhelp/testing spans apps, core/testing signs in for tests)

# Imports that cross a line today and that a helper is removing this session (issue 18).
# (file glob relative to src/earlyhelp, imported module prefix): who removes it, and why it is
# there. The test fails when an entry no longer matches anything: delete it when you fix it.
ALLOWED = {
    # results claims (issue 16), kept on purpose: verify_claim's four-eyes test (not the claim's
    # preparer) is results' business rule; the policy asks it rather than restating it.
    ("access/policy.py", "earlyhelp.results.claims.rules"): "results: claims' four eyes",
    # strategy (issue 17), kept on purpose: an action plan item's progress is a dashboard
    # indicator's value, computed by insights for the user's scope – one answer, not a copy.
    ("strategy/selectors.py", "earlyhelp.insights"): "strategy: plan progress by indicator",
    # the partnership's rule that a lead practitioner holds a valid lead practitioner course:
    # allocation asks it (warn or refuse, EARLYHELP_LEAD_TRAINING).
    ("cases/services.py", "earlyhelp.strategy.rules"): "strategy: lead practitioner training",
    # results judges outcome measures in targeting's criteria language, over the tables a
    # targeting run leaves (one rule language, not two): the engine, its sources and the run's
    # workspace. Stays while the criteria engine lives in targeting's logic.
    ("results/evaluation.py", "earlyhelp.targeting.criteria"): "results",
    ("results/evaluation.py", "earlyhelp.targeting.sources"): "results",
    ("results/linked.py", "earlyhelp.targeting.households"): "results",
    ("results/linked.py", "earlyhelp.targeting.pipeline"): "results",
    # cost avoidance prices a kind of agency record: its date columns and code lists.
    ("results/costs/records.py", "earlyhelp.targeting.sources"): "results",
    # history (issue 13): an import writes through the casework services, so imported history
    # obeys the same rules, dates and audit as new work – never straight into their tables.
    ("history/services.py", "earlyhelp.cases.services"): "history",
    ("history/services.py", "earlyhelp.frontdoor.services"): "history",
    ("history/services.py", "earlyhelp.people.services"): "history",
    # letters (issue 14): a generated letter is kept as a document, through the one upload
    # service, so it is scanned, listed, downloaded and audited as every document is.
    ("letters/services.py", "earlyhelp.documents.services"): "letters: kept as a document",
    # caseload weighting (issue 10), kept on purpose: the complex need codes are worklists'
    # data, the counts they weigh are kept on the episode by cases.state (as its review state);
    # worklists hands the state its codes and recounts when the weights' codes change.
    ("worklists/apps.py", "earlyhelp.cases.state"): "worklists: complex need codes",
    # the NHS number and UPN checks the people app owns, reused to check an extract's rows.
    ("history/validation.py", "earlyhelp.people.identifiers"): "history",
}


def app_and_tier(rel: Path) -> tuple[str, str]:
    """The app a module belongs to and its tier: data, logic, pages, entry or exempt."""
    parts = rel.with_suffix("").parts
    app = parts[0]
    inner = parts[1:]
    if rel.name == "conftest.py" or EXEMPT_DIRS.intersection(parts):
        return app, "exempt"
    if app in TOP or not inner:
        return app, "logic"
    if inner[0] == "__init__" and len(inner) == 1:
        return app, "data"
    # The first part that names a tier: web/views/base.py is a page, governance/api.py entry.
    for part in inner:
        if part in DATA_MODULES:
            return app, "data"
        if part in PAGE_MODULES:
            return app, "pages"
        if part in ENTRY_MODULES:
            return app, "entry"
    return app, "logic"


def target_tier(module: str) -> tuple[str, str]:
    parts = module.split(".")[1:]
    if not parts:
        return "", "logic"
    app = parts[0]
    if len(parts) == 1:
        return app, "package"
    rel = Path(*parts[:-1], parts[-1] + ".py")
    return app_and_tier(rel)


def layer(app: str) -> str:
    if app == CORE:
        return "core"
    if app in BASE:
        return "base"
    if app in DOMAIN:
        return "domain"
    if app == ACCESS:
        return "access"
    if app in ABOVE:
        return "above"
    if app == WEB:
        return "web"
    return "top"


def problem(src: Path, module: str) -> str | None:
    """Why importing `module` from file `src` crosses a line, or None when it may."""
    app, tier = app_and_tier(src)
    dst, dst_tier = target_tier(module)
    if dst_tier == "exempt" and tier != "exempt":
        return "only tests import tests, factories and migrations"
    if tier == "exempt" or dst == app or not dst:
        return None
    dst_layer = layer(dst)
    if dst_tier == "package":  # `from earlyhelp.cases import services`: judged by name below
        dst_tier = "logic"
    src_layer = layer(app)

    if src_layer == "top":
        return None
    if dst_layer == "top":
        if tier == "entry" and dst == "api":
            return None  # an app's api module registers on the shared router and base classes
        return f"{dst} is the top of the house: nothing below it imports it"
    if src_layer == "core":
        return "core is the kernel: it imports no other earlyhelp app"
    if dst_layer == "core":
        return None
    if src_layer == "web":
        return None if dst_layer == "access" else "web is the shared page kit: core and access only"
    if dst_layer == "web":
        if tier in ("pages", "entry"):
            return None
        return "only pages (views, forms, urls, templatetags) import web"
    if tier == "entry":
        return None  # an app's API and commands stand on everything below the top
    if src_layer == "access":
        if src.with_suffix("").parts[1:] == ("roles",):
            return "access.roles imports core only"
        if dst_layer in ("base", "domain") and dst_tier == "data":
            return None
        if module.startswith("earlyhelp.people.selectors"):
            return None  # the referral match token finds its person again with person_search
        return "access imports core and the data (models, rules) of people and the domain only"
    if dst_layer == "access":
        if tier == "data":
            return "models and rules never import access"
        if src_layer in ("base", "domain", "above") or tier == "pages":
            return None
        return "access is for the base, the domain and above"
    if tier == "pages":
        if dst_tier == "pages":
            return f"pages import web, not {dst}'s pages"
        return None
    if src_layer == "base":
        return "people and thresholds import core (and access, from logic) only"
    if src_layer == "domain":
        if dst_layer == "base":
            return None
        if dst_layer == "domain":
            lower = DOMAIN.index(dst) < DOMAIN.index(app)
            if tier == "data":
                return None if (lower and dst_tier == "data") else (
                    f"{app}'s models and rules import only the models and rules of "
                    f"{', '.join(DOMAIN[: DOMAIN.index(app)]) or 'no domain app'}"
                )
            if dst_tier == "data" or lower:
                return None
            return f"{app} may import {dst}'s models and rules, not its logic ({dst} is later)"
        return f"the domain does not import {dst} ({dst_layer})"
    if src_layer == "above":
        if dst_layer in ("base", "domain"):
            if dst_tier == "data" or module.split(".")[2:3] == ["selectors"]:
                return None
            return f"{app} reads the domain through its models, rules and selectors only"
        return f"{app} does not import {dst} ({dst_layer})"
    return f"no rule lets {app} import {dst}"


def imports(path: Path):
    """Every earlyhelp module a file imports, with its line: top level and inside functions."""
    rel = path.relative_to(SRC)
    package = ["earlyhelp", *rel.parts[:-1]]
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if node.module and not node.level:
                yield node.lineno, module
            # `from earlyhelp.cases import services` imports the module earlyhelp.cases.services
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def is_module(name: str) -> bool:
    parts = name.split(".")[1:]
    return (SRC.joinpath(*parts).with_suffix(".py").exists()
            or SRC.joinpath(*parts, "__init__.py").exists())


def crossings():
    """(file, line, module, reason) for every import that crosses a line."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        seen = set()
        for line, name in imports(path):
            if not name.startswith("earlyhelp."):
                continue
            # The deepest module the name refers to (a name may be a class in it).
            module = name
            while module.count(".") > 1 and not is_module(module):
                module = module.rsplit(".", 1)[0]
            if not is_module(module) or (line, module) in seen:
                continue
            seen.add((line, module))
            reason = problem(rel, module)
            if reason:
                found.append((rel, line, module, reason))
    return found


def allowed_by(rel: Path, module: str):
    for (pattern, prefix), helper in ALLOWED.items():
        within = (module + ".").startswith(prefix.rstrip(".") + ".")
        if within and fnmatch.fnmatch(str(rel), pattern):
            yield (pattern, prefix), helper


def test_no_import_crosses_a_line():
    bad = []
    for rel, line, module, reason in crossings():
        if not any(allowed_by(rel, module)):
            bad.append(f"src/earlyhelp/{rel}:{line} imports {module}: {reason}")
    assert not bad, "Imports that cross a line (docs/architecture.md):\n" + "\n".join(bad)


def test_allow_list_holds_only_live_entries():
    used = {key for rel, _, module, _ in crossings() for key, _ in allowed_by(rel, module)}
    stale = [f"{key} ({helper})" for key, helper in ALLOWED.items() if key not in used]
    assert not stale, "Allowed crossings that no longer happen – delete them:\n" + "\n".join(stale)


def test_every_app_has_a_place_in_the_house():
    apps = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists() or p.suffix == ".py"}
    apps = {a.removesuffix(".py") for a in apps} - {"__init__", "templates"}
    placed = {CORE, ACCESS, WEB, *BASE, *DOMAIN, *ABOVE, *TOP}
    assert apps <= placed, f"Apps without a layer: {sorted(apps - placed)}"


@pytest.mark.parametrize(
    ("src", "module", "allowed"),
    [
        ("core/models.py", "earlyhelp.people.models", False),
        ("people/services.py", "earlyhelp.access.policy", True),
        ("people/models.py", "earlyhelp.access.policy", False),
        ("frontdoor/services.py", "earlyhelp.cases.services", True),
        ("cases/services.py", "earlyhelp.frontdoor.services", False),
        ("cases/services.py", "earlyhelp.plans.models", True),
        ("cases/models.py", "earlyhelp.plans.models", False),
        ("panels/rules.py", "earlyhelp.directory.models", True),
        ("access/policy.py", "earlyhelp.cases.models", True),
        ("access/policy.py", "earlyhelp.cases.services", False),
        ("access/roles.py", "earlyhelp.people.models", False),
        ("web/templatetags/govuk.py", "earlyhelp.access.policy", True),
        ("web/views/base.py", "earlyhelp.cases.models", False),
        ("panels/views.py", "earlyhelp.web.views.base", True),
        ("panels/services.py", "earlyhelp.web.forms.base", False),
        ("panels/views.py", "earlyhelp.directory.views", False),
        ("insights/computations.py", "earlyhelp.cases.models", True),
        ("insights/computations.py", "earlyhelp.cases.services", False),
        ("cases/api.py", "earlyhelp.api.router", True),
        ("cases/services.py", "earlyhelp.api.router", False),
        ("demo/families.py", "earlyhelp.panels.services", True),
        ("cases/selectors.py", "earlyhelp.cases.tests.factories", False),
        ("cases/tests/test_x.py", "earlyhelp.demo.world", True),
        ("testing/world.py", "earlyhelp.people.tests.factories", True),
        ("cases/tests/factories.py", "earlyhelp.people.tests.factories", True),
        ("demo/families.py", "earlyhelp.testing.world", False),
        ("core/selectors.py", "earlyhelp.core.testing.two_factor", False),
    ],
)
def test_the_rules_say_what_the_map_says(src, module, allowed):
    # The rules themselves, on imports that do and do not cross a line (checked by name only).
    assert (problem(Path(src), module) is None) is allowed, problem(Path(src), module)


def test_a_crossing_names_file_and_line(tmp_path, monkeypatch):
    # The checker really parses imports inside functions and reports where they are.
    fake = tmp_path / "earlyhelp"
    (fake / "core").mkdir(parents=True)
    (fake / "people").mkdir()
    for folder in (fake, fake / "core", fake / "people"):
        (folder / "__init__.py").write_text("")
    (fake / "people" / "models.py").write_text("")
    (fake / "core" / "kernel.py").write_text(
        "import os\n\n\ndef f():\n    from earlyhelp.people.models import Person\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", fake)
    assert [(str(r), line, m) for r, line, m, _ in crossings()] == [
        ("core/kernel.py", 5, "earlyhelp.people.models")
    ]


def test_core_migrations_depend_on_no_other_earlyhelp_app():
    # The kernel's tables exist before any app's: core's migration graph needs only Django's.
    from django.db.migrations.loader import MigrationLoader

    ours = {p.name for p in SRC.iterdir() if (p / "migrations").is_dir()}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    outside = {
        (name, dependency)
        for (app, name), migration in loader.disk_migrations.items()
        if app == "core"
        for dependency in migration.dependencies
        if dependency[0] in ours - {"core"}
    }
    assert outside == set()
