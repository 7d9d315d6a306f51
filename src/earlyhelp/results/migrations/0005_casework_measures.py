from django.db import migrations


def add(apps, schema_editor):
    from earlyhelp.results.reference import add_missing_measures

    add_missing_measures(
        apps.get_model("results", "Framework"),
        apps.get_model("results", "HeadlineOutcome"),
        apps.get_model("results", "Measure"),
    )


class Migration(migrations.Migration):
    dependencies = [("results", "0004_unit_costs_and_cost_avoidance")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
