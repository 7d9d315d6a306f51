"""The triage timeliness indicator's "hours" parameter moves into the journey timescales row
(cases.Timescales) that the front door's rule reads when it sets each request's due moment. The
parameter had been ignored since the due moment was recorded on the request; an hour an
administrator set on it is carried across rather than lost."""

from django.db import migrations

OLD_TEXT = "red 4 hours, amber 24 hours, green 72 hours from receipt, elapsed time."
NEW_TEXT = ("the hours the journey timescales set for each rating (red 4, amber 24, green 72 by "
            "default) from receipt, on the council's triage clock.")


def forward(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    Timescales = apps.get_model("cases", "Timescales")
    timescales, _ = Timescales.objects.get_or_create(pk=1)
    for definition in IndicatorDefinition.objects.filter(code="triage_timeliness"):
        parameters = dict(definition.parameters or {})
        hours = parameters.pop("hours", None) or {}
        for rag in ("red", "amber", "green"):
            if rag in hours:
                setattr(timescales, f"triage_{rag}_hours", int(hours[rag]))
        definition.parameters = parameters
        definition.definition = definition.definition.replace(OLD_TEXT, NEW_TEXT)
        definition.save(update_fields=["parameters", "definition"])
    timescales.save()


def backward(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    timescales = apps.get_model("cases", "Timescales").objects.filter(pk=1).first()
    for definition in IndicatorDefinition.objects.filter(code="triage_timeliness"):
        if timescales is not None:
            definition.parameters = {**(definition.parameters or {}), "hours": {
                rag: getattr(timescales, f"triage_{rag}_hours") for rag in ("red", "amber", "green")
            }}
        definition.definition = definition.definition.replace(NEW_TEXT, OLD_TEXT)
        definition.save(update_fields=["parameters", "definition"])


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0005_timescales_from_indicators"),
        ("cases", "0007_triage_hours_in_timescales"),
    ]

    operations = [migrations.RunPython(forward, backward)]
