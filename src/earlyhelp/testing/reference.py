"""Put back the rows the data migrations ship, after a transactional test flushed them.

Tests that use a live server (browser tests) run in transactions that end by emptying every table,
data migrations' rows included; a later test that expects the shipped threshold models, criteria
sets, indicators or retention rules would then find none. Each loader runs only when its table is
empty, so ordinary tests see exactly what the migrations made."""

from importlib import import_module

from django.apps import apps

# (data migration module, its loader function, a model that is empty when the rows are gone)
SHIPPED = [
    ("earlyhelp.thresholds.migrations.0002_reference_data", "load", "thresholds.ThresholdModel"),
    ("earlyhelp.targeting.migrations.0002_shipped_criteria_sets", "load", "targeting.CriteriaSet"),
    ("earlyhelp.insights.migrations.0002_shipped_indicators", "load",
     "insights.IndicatorDefinition"),
    ("earlyhelp.governance.migrations.0002_retention_defaults", "add_defaults",
     "governance.RetentionRule"),
    ("earlyhelp.strategy.migrations.0002_shipped_frameworks", "ship", "strategy.Framework"),
    ("earlyhelp.strategy.migrations.0005_shipped_audit_tool", "ship", "strategy.AuditTool"),
    ("earlyhelp.results.migrations.0002_load_shipped_frameworks", "load", "results.Framework"),
    ("earlyhelp.results.migrations.0003_claims", "ship_default_layout", "results.ClaimLayout"),
    ("earlyhelp.letters.migrations.0002_example_templates", "add_examples",
     "letters.LetterTemplate"),
]


# Later data migrations that add rows to a table shipped above: their loaders add only what is
# missing, so they run every time, after the table's first rows are back.
ADDED = [
    ("earlyhelp.insights.migrations.0007_family_view_indicators", "load"),
]


def restore_shipped_data() -> None:
    for module, function, label in SHIPPED:
        if not apps.get_model(label).objects.exists():
            getattr(import_module(module), function)(apps, None)
    for module, function in ADDED:
        getattr(import_module(module), function)(apps, None)
