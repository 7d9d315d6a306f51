"""Audit rows are appended freely and sealed into the chain later (decision 0002).

Existing rows were chained in id order under the old head lock: they keep their hashes and get
their place (`seq`) in that order; the head records their count and is signed. On PostgreSQL a
trigger refuses deleting audit rows or the head, and any update of a row other than the sealer's
one-time setting of its place and hashes."""

from django.db import migrations, models

NUMBER_EXISTING = """
UPDATE core_auditevent SET seq = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM core_auditevent) AS numbered
WHERE core_auditevent.id = numbered.id
"""

CONTENT = (
    "id, at, user_id, username, action, object_type, object_id, family_id, person_id, changes, "
    "reason, detail, ip_address"
)
NEW_CONTENT = ", ".join(f"NEW.{c.strip()}" for c in CONTENT.split(","))
OLD_CONTENT = ", ".join(f"OLD.{c.strip()}" for c in CONTENT.split(","))

POSTGRES_TRIGGERS = [
    f"""
CREATE OR REPLACE FUNCTION earlyhelp_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND ROW({NEW_CONTENT}) IS NOT DISTINCT FROM ROW({OLD_CONTENT}) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'The audit trail is append-only (% of audit row % refused)', TG_OP, OLD.id;
END $$ LANGUAGE plpgsql""",
    """
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION earlyhelp_audit_append_only()""",
    """
CREATE OR REPLACE FUNCTION earlyhelp_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.sealed_count >= OLD.sealed_count THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'The audit chain head only moves forward (% refused)', TG_OP;
END $$ LANGUAGE plpgsql""",
    """
CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE OR DELETE ON core_auditchainhead
  FOR EACH ROW EXECUTE FUNCTION earlyhelp_audit_head_forward_only()""",
]

DROP_POSTGRES_TRIGGERS = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead",
    "DROP FUNCTION IF EXISTS earlyhelp_audit_append_only()",
    "DROP FUNCTION IF EXISTS earlyhelp_audit_head_forward_only()",
]


def seal_existing(apps, schema_editor):
    from django.utils import timezone

    from earlyhelp.core.audit import _head_mac

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    schema_editor.execute(NUMBER_EXISTING)
    head, _ = AuditChainHead.objects.get_or_create(id=1)
    last = AuditEvent.objects.order_by("-seq").filter(seq__isnull=False).first()
    if last is not None:
        head.sealed_count, head.last_event_id, head.last_hash = last.seq, last.id, last.hash
    head.sealed_at = timezone.now()
    head.mac = _head_mac(head)
    head.save()


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_TRIGGERS:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_POSTGRES_TRIGGERS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_organisation_type_health_visiting'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='last_event_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='mac',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='sealed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='sealed_count',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed_idx'),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
