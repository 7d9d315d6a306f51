"""The assessment and first-review timescales move from two indicators' parameters into the one
journey timescales row (cases.Timescales) that the worklists read too. A value an administrator
set on the indicator is carried across: it was the council's deliberate choice."""

from django.db import migrations

MOVED = {  # indicator code: (its parameter, the Timescales field)
    "assessments_on_time": ("days", "assessment_due_days"),
    "reviews_on_time": ("first_review_days", "first_review_days"),
}
OLD_TEXT = "(45 days from the start by default; set 'days' in parameters)"
NEW_TEXT = "(45 days from the start unless the journey timescales say otherwise)"


def forward(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    Timescales = apps.get_model("cases", "Timescales")
    timescales, _ = Timescales.objects.get_or_create(pk=1)
    for definition in IndicatorDefinition.objects.filter(code__in=MOVED):
        parameter, field = MOVED[definition.code]
        parameters = dict(definition.parameters or {})
        if parameter in parameters:
            setattr(timescales, field, int(parameters.pop(parameter)))
        definition.parameters = parameters
        definition.definition = definition.definition.replace(OLD_TEXT, NEW_TEXT)
        definition.save(update_fields=["parameters", "definition"])
    timescales.save()


def backward(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    timescales = apps.get_model("cases", "Timescales").objects.filter(pk=1).first()
    for definition in IndicatorDefinition.objects.filter(code__in=MOVED):
        parameter, field = MOVED[definition.code]
        if timescales is not None and parameter == "days":
            definition.parameters = {**(definition.parameters or {}),
                                     parameter: getattr(timescales, field)}
        definition.definition = definition.definition.replace(NEW_TEXT, OLD_TEXT)
        definition.save(update_fields=["parameters", "definition"])


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_text_limits"),
        ("cases", "0006_journey_timescales"),
    ]

    operations = [migrations.RunPython(forward, backward)]
