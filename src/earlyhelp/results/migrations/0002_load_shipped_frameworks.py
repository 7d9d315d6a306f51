from django.db import migrations


def load(apps, schema_editor):
    from earlyhelp.results.reference import load_frameworks

    load_frameworks(
        apps.get_model("results", "Framework"),
        apps.get_model("results", "HeadlineOutcome"),
        apps.get_model("results", "Measure"),
    )


class Migration(migrations.Migration):
    dependencies = [("results", "0001_outcome_frameworks_and_plans")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
