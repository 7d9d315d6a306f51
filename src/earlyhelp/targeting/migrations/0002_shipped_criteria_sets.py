from django.db import migrations


def load(apps, schema_editor):
    from earlyhelp.targeting.reference import load_criteria_sets

    load_criteria_sets(
        apps.get_model("targeting", "CriteriaSet"), apps.get_model("targeting", "Criterion")
    )


class Migration(migrations.Migration):
    dependencies = [("targeting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
