"""When each request's decision is due, and when each decision was due, on the triage clock.

Existing rows are filled in with the timescales and clock configured when the migration runs
(frontdoor.rules.decision_due), the same answer the indicator gave before for the elapsed clock.
"""

from django.db import migrations, models


def fill_due_moments(apps, schema_editor):
    from earlyhelp.frontdoor.rules import decision_due

    Contact = apps.get_model("frontdoor", "Contact")
    Decision = apps.get_model("frontdoor", "TriageDecision")
    contacts = list(Contact.objects.only("pk", "received_at", "priority"))
    for contact in contacts:
        contact.decision_due_at = decision_due(contact.received_at, contact.priority)
    Contact.objects.bulk_update(contacts, ["decision_due_at"], batch_size=2000)
    decisions = list(
        Decision.objects.select_related("contact").only(
            "pk", "rag", "contact__received_at", "contact__priority"
        )
    )
    for decision in decisions:
        decision.due_at = decision_due(
            decision.contact.received_at, decision.contact.priority or decision.rag
        )
    Decision.objects.bulk_update(decisions, ["due_at"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="decision_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="triagedecision",
            name="due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["status", "decision_due_at"], name="contact_due_idx"),
        ),
        migrations.RunPython(fill_due_moments, migrations.RunPython.noop),
    ]
