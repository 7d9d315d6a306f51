"""Each episode's journey state on the episode (cases.state), backfilled from its reviews, plans
and assessments: one query reads them all, the changed rows are written in batches."""

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    from earlyhelp.cases import state

    get = apps.get_model
    timescales = get("cases", "Timescales").objects.filter(pk=1).first()
    if timescales is None:  # none saved: the defaults (first review after 84 days)
        timescales = get("cases", "Timescales")()
    models_ = (get("plans", "Review"), get("plans", "Plan"), get("assessments", "Assessment"))
    state.recompute(get("cases", "Episode").objects.all(), timescales, models_)
    # SQLite rebuilds the table to add the columns and forgets its statistics: without them the
    # planner checks a manager's scope by scanning each team's episodes (seconds, not ms).
    if schema_editor is not None:  # (None when a test calls the backfill on its own)
        table = get("cases", "Episode")._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_casenote_is_significant'),
        ('plans', '0004_latest_indexes'),
        ('assessments', '0004_text_limits'),
        ('core', '0005_audit_sealer'),
        ('frontdoor', '0007_referrer_received_index'),
        ('people', '0004_latest_indexes'),
        ('thresholds', '0003_text_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='episode',
            name='assessment_completed_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='episode',
            name='assessment_state',
            field=models.CharField(choices=[('none', 'Not started'), ('in_progress', 'In progress'), ('completed', 'Completed')], default='none', editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name='episode',
            name='last_review_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='episode',
            name='next_review_due',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='episode',
            index=models.Index(fields=['status', 'next_review_due'], name='episode_review_due_idx'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
