"""The audit trail keeps only the indexes its readers use (decision
audit-trail-indexes-for-its-readers): every audited read inserts a row into each of them.

The single-column indexes on `at` and `user` go by name (Django's names for them are the same on
both databases), without SQLite rebuilding the table for each; `seq`'s unique index and the
family and person indexes become partial – rows enter them only when they have a value."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _drop_index(name):
    return migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"', migrations.RunSQL.noop)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_audit_sealer"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop_index("core_auditevent_at_3d5eb007"),
                _drop_index("core_auditevent_user_id_2b330de8"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="at",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="user",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.PROTECT, related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        # On SQLite the column's UNIQUE goes only with a rebuild of the table: once, here.
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("seq__isnull", False)), fields=("seq",),
                name="audit_seq_unique",
            ),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="audit_family_idx"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("family_id__isnull", False)), fields=["family_id", "at"],
                name="audit_family_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="audit_person_idx"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("person_id__isnull", False)), fields=["person_id", "at"],
                name="audit_person_idx",
            ),
        ),
    ]
