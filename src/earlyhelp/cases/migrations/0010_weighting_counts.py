"""The caseload weighting's counts on the episode (cases.state COUNTS): its focus children and
the complex needs its completed assessments found, backfilled in one UPDATE by the codes of the
caseload weights saved (the defaults while none is)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from earlyhelp.cases import state
    from earlyhelp.worklists.models import default_complex_codes

    get = apps.get_model
    weights = get("worklists", "CaseloadWeights").objects.filter(pk=1).first()
    codes = weights.complex_need_codes if weights is not None else default_complex_codes()
    episode = get("cases", "Episode")
    state.recount(episode.objects.all(), codes, (episode, get("assessments", "PresentingNeed")))
    if schema_editor is not None:  # SQLite rebuilt the table: its statistics again (0009)
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(episode._meta.db_table)}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_episode_state"),
        ("assessments", "0004_text_limits"),
        ("worklists", "0001_caseload_weights_and_capacity"),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="complex_needs_count",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="episode",
            name="focus_children_count",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
