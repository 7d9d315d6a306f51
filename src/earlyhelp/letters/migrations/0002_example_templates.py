"""Three example templates, in plain English, for a council to adapt: the names say so. Their
text uses only the placeholders in letters.rules.PLACEHOLDERS (the tests check it)."""

from django.db import migrations

CONSENT = """{{ today }}

{{ person_name }}
{{ address }}

Dear {{ person_name }},

Agreeing to early help and to sharing information

Early help is support for your family, given when you ask for it and agree to it. Before we start working with you, we ask whether you agree to:

- work with us and the people who support your family, and
- let us share information about your family with them, only when it helps us support you.

You can change your mind at any time. Tell {{ lead_practitioner }} or call your early help team ({{ team }}) and we will record it the same day.

I agree to work with early help: yes / no

I agree to information being shared with the people who support my family: yes / no

Signed: ____________________    Date: ____________

Yours sincerely,

{{ sender_name }}"""

CLOSURE = """{{ today }}

{{ family_name }}
{{ address }}

Dear {{ family_name }},

The end of our early help work with you

Thank you for working with us since {{ episode_start_date }}. Our early help support for your family ended on {{ episode_end_date }}.

Why it ended: {{ closure_outcome }}.

If things change and you would like support again, you can contact us at any time: tell your school, health visitor or GP, or call the early help team ({{ team }}).

Thank you for the time you gave us. We wish you all the best.

Yours sincerely,

{{ lead_practitioner }}
{{ team }}
Reference: {{ episode_reference }}"""

FEEDBACK = """{{ today }}

Dear {{ referrer_name }},

Your request for support: {{ request_reference }}

Thank you for your request for support for {{ family_name }}, which we received on {{ request_date }} from {{ referrer_organisation }}.

We have looked at it carefully. Our decision: {{ front_door_decision }}.

If you have new information, or you are worried about the family, please contact the front door. If you think a child is at risk of significant harm, contact children's social care straight away.

Yours sincerely,

{{ sender_name }}
Early help front door"""

EXAMPLES = [
    ("Consent form (example to adapt)", "consent", CONSENT),
    ("Closure letter to the family (example to adapt)", "closure", CLOSURE),
    ("Feedback letter to the referrer (example to adapt)", "feedback", FEEDBACK),
]


def add_examples(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    TemplateVersion = apps.get_model("letters", "TemplateVersion")
    for name, kind, body in EXAMPLES:
        template = LetterTemplate.objects.create(name=name, kind=kind)
        TemplateVersion.objects.create(template=template, number=1, body=body)


def remove_examples(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    TemplateVersion = apps.get_model("letters", "TemplateVersion")
    names = [name for name, _, _ in EXAMPLES]
    TemplateVersion.objects.filter(template__name__in=names, letters=None).delete()
    LetterTemplate.objects.filter(name__in=names, versions=None).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_letter_templates")]

    operations = [migrations.RunPython(add_examples, remove_examples)]
