"""Shipped default retention rules (core 0003 until issue 18 moved the model to governance).
The council's records manager confirms or changes them (Django admin: Retention rules); they
only decide what `earlyhelp retention_review` lists."""

from django.db import migrations

DEFAULTS = [
    {
        "record_type": "family",
        "basis": "youngest_child_age",
        "years": 25,
        "description": (
            "Early help records are kept until the youngest child of the household reaches 25, "
            "and never while an episode is open."
        ),
    },
    {
        "record_type": "contact",
        "basis": "after_last_activity",
        "years": 6,
        "description": (
            "A request for support that led to no early help episode (no further action, "
            "signposting, step-up) is kept 6 years after it was received or decided. A local "
            "default: confirm it against the council's retention schedule."
        ),
    },
]


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    for rule in DEFAULTS:
        RetentionRule.objects.get_or_create(record_type=rule["record_type"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
