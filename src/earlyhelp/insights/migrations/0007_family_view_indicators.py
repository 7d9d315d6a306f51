"""Two shipped indicators from the family's own view at closure (issue 16): families who say
things got better, next to the practitioner's distance travelled, and satisfaction with the help."""

from django.db import migrations

ALL = ["team", "locality", "level", "agency"]
ROWS = [
    dict(
        code="family_says_better", category="outcomes",
        name="Families who say things got better", unit="percent", direction="higher",
        target=None, red_threshold=None, parameters={},
        definition=(
            "Of early help episodes closed in the period where the family rated at least one "
            "need both at a review and at closure, the percentage whose closing ratings are "
            "higher in total than their first ratings of the same needs (the family's mean "
            "rating went up). Families who declined at closure, were rated only once or gave "
            "no closing rating are left out. Beside it: the practitioner's closing scores "
            "against the baseline for the same families, and each need theme."
        ),
        source="Family-rated outcomes (Stockton: families rate their own outcomes)",
        breakdowns=ALL,
    ),
    dict(
        code="satisfied_with_help", category="outcomes", name="Families satisfied with the help",
        unit="percent", direction="higher", target=None, red_threshold=None, parameters={},
        definition=(
            "Of early help episodes closed in the period where the family answered \"How "
            "satisfied are you with the help you got?\", the percentage who said satisfied or "
            "very satisfied (4 or 5 of 5). Families who did not want to say are left out."
        ),
        source="Closure satisfaction question (issue 16)",
        breakdowns=ALL,
    ),
]


def load(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    after = IndicatorDefinition.objects.filter(code="progress_change").values_list(
        "order", flat=True).first() or 0  # next to the practitioner's distance travelled
    for offset, row in enumerate(ROWS, start=1):
        if not IndicatorDefinition.objects.filter(code=row["code"]).exists():
            IndicatorDefinition.objects.create(order=after + offset, **row)


def unload(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    IndicatorDefinition.objects.filter(code__in=[row["code"] for row in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0006_triage_hours_to_timescales")]

    operations = [migrations.RunPython(load, unload)]
