"""When each request's decision is due, and when each decision was due, on the triage clock.

Existing rows are filled in with the timescales of the time (red 4, amber 24, green 72 hours)
on the clock configured when the migration runs – the same answer the indicator gave before for
the elapsed clock. The rule is frozen here as it stood: the live one
(frontdoor.rules.decision_due) reads the timescales row, whose columns come in a later migration.
"""

import datetime as dt


from django.db import migrations, models


HOURS_THEN = {"red": 4, "amber": 24, "green": 72}


def decision_due(received_at, rag):
    from django.conf import settings

    from earlyhelp.core.working_time import add_working_hours

    hours = HOURS_THEN[rag or "amber"]
    if getattr(settings, "EARLYHELP_TRIAGE_CLOCK", "elapsed") == "working":
        return add_working_hours(received_at, hours)
    return received_at + dt.timedelta(hours=hours)


def fill_due_moments(apps, schema_editor):
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
