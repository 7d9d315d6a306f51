"""Ship the maturity matrix and the Early Help System Guide as frameworks (data, editable)."""

from django.db import migrations

from earlyhelp.strategy.shipped import SHIPPED


def ship(apps, schema_editor):
    Framework = apps.get_model("strategy", "Framework")
    Level = apps.get_model("strategy", "Level")
    Dimension = apps.get_model("strategy", "Dimension")
    Element = apps.get_model("strategy", "Element")
    for spec in SHIPPED:
        if Framework.objects.filter(name=spec["name"]).exists():
            continue  # a council's edits are kept
        framework = Framework.objects.create(
            name=spec["name"], source=spec["source"], description=spec["description"]
        )
        for rank, (name, description) in enumerate(spec["levels"], start=1):
            Level.objects.create(framework=framework, rank=rank, name=name, description=description)
        for order, (name, description, elements) in enumerate(spec["dimensions"], start=1):
            dimension = Dimension.objects.create(
                framework=framework, order=order, name=name, description=description
            )
            for position, (element, text) in enumerate(elements, start=1):
                Element.objects.create(
                    dimension=dimension, order=position, name=element, description=text
                )


def unship(apps, schema_editor):
    Framework = apps.get_model("strategy", "Framework")
    Round = apps.get_model("strategy", "Round")
    names = [spec["name"] for spec in SHIPPED]
    used = Round.objects.filter(framework__name__in=names).values("framework_id")
    Framework.objects.filter(name__in=names).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_frameworks_rounds_action_plan")]

    operations = [migrations.RunPython(ship, unship)]
