"""Ship one audit tool (questions are data: a council edits them or adds its own tool)."""

from django.db import migrations

from earlyhelp.strategy.shipped import AUDIT_TOOL


def ship(apps, schema_editor):
    AuditTool = apps.get_model("strategy", "AuditTool")
    AuditQuestion = apps.get_model("strategy", "AuditQuestion")
    if AuditTool.objects.filter(name=AUDIT_TOOL["name"]).exists():
        return  # a council's edits are kept
    tool = AuditTool.objects.create(name=AUDIT_TOOL["name"],
                                    description=AUDIT_TOOL["description"])
    for order, (text, guidance, applies_to) in enumerate(AUDIT_TOOL["questions"], start=1):
        AuditQuestion.objects.create(tool=tool, order=order, text=text, guidance=guidance,
                                     applies_to=applies_to)


def unship(apps, schema_editor):
    AuditTool = apps.get_model("strategy", "AuditTool")
    AuditTool.objects.filter(name=AUDIT_TOOL["name"], programmes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("strategy", "0004_quality_audits")]

    operations = [migrations.RunPython(ship, unship)]
