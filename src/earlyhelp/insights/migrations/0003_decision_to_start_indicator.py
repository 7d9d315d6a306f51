"""A shipped indicator: days from the front door's decision to the start of the episode."""

from django.db import migrations

ROW = dict(
    code="decision_to_start", category="front_door", name="Time from decision to episode start",
    unit="days", direction="lower", target=None, red_threshold=None, parameters={},
    definition=(
        "Of early help episodes started in the period after a front door decision, the average "
        "number of days from the day of the decision to the day the episode started (0 when it "
        "started the same day)."
    ),
    source="Events recorded on the day they happened (issue 12)",
    breakdowns=["team", "locality", "level", "agency"], order=55,
)


OLD_REVIEWS = (
    "Of reviews that fell due in the period (the next review date set at the previous "
    "review) while the episode was still open, the percentage held on or before that date."
)
NEW_REVIEWS = (
    "Of reviews that fell due in the period while the episode was still open – the first review "
    "(a set number of days after the first plan started) and every later one (on the next review "
    "date set at the review before) – the percentage held on or before the day it fell due."
)


def load(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    if not IndicatorDefinition.objects.filter(code=ROW["code"]).exists():
        IndicatorDefinition.objects.create(**ROW)
    # The first review now counts too; a definition an administrator rewrote is left alone.
    IndicatorDefinition.objects.filter(code="reviews_on_time", definition=OLD_REVIEWS).update(
        definition=NEW_REVIEWS
    )


def unload(apps, schema_editor):
    apps.get_model("insights", "IndicatorDefinition").objects.filter(code=ROW["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_shipped_indicators")]

    operations = [migrations.RunPython(load, unload)]
