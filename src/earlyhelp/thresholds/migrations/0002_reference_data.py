"""Load the shipped threshold models and needs themes (see thresholds/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from earlyhelp.thresholds.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("thresholds", "0001_initial")]

    # Reversing leaves the rows: they may already be referenced by casework.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
