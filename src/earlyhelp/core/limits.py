"""Limits on free text: long enough that honest use never meets them, short enough that a
request cannot park megabytes in a record. The list, with reasons, is in docs/text-limits.md.

Models declare a text field with `text_field(LIMIT)`, which enforces the limit in full_clean()
(every service write) with a message saying it; page forms and API serializers apply the same
numbers by field name (`limit_for`).
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst

NOTE = 20_000  # case notes, panel notes: a long home-visit write-up is ~6,000
TEXT = 10_000  # concerns, assessment narrative, summaries, views, sensitive notes
SHORT = 5_000  # reasons, rationales, descriptions, referral notes, outcomes, actions

# Page and API fields not tied to one model field by name: their limit by field name.
BY_NAME = {
    "text": NOTE, "notes": NOTE,
    "concerns": TEXT, "summary": TEXT, "closure_summary": TEXT, "voice_of_child": TEXT,
    "family_view": TEXT, "needs": TEXT, "strengths": TEXT, "sensitive_notes": TEXT,
    "detail": TEXT,
    "reason": SHORT, "rationale": SHORT, "override_reason": SHORT, "note": SHORT,
    "status_note": SHORT, "description": SHORT, "attendees": SHORT,
}


def limit_for(name: str, default: int = TEXT) -> int:
    return BY_NAME.get(name, default)


def too_long(label: str, limit: int) -> str:
    return f"{capfirst(label)} must be {limit:,} characters or fewer"


@deconstructible
class TextLimit(MaxLengthValidator):
    """MaxLengthValidator with the GOV.UK message ("Concerns must be 10,000 characters or
    fewer"); the label comes from the field's verbose name via `text_field`."""

    def __init__(self, limit: int, label: str = "This"):
        super().__init__(limit, message=too_long(label, limit))
        self.label = label

    def __eq__(self, other):
        return (isinstance(other, TextLimit) and self.limit_value == other.limit_value
                and self.label == other.label)


class LimitedTextField(models.TextField):
    """A TextField whose max_length is enforced on the model, not only in forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", TEXT)
        super().__init__(*args, **kwargs)

    @property
    def validators(self):
        label = str(self.verbose_name or self.name or "This").replace("_", " ")
        return [*super().validators, TextLimit(self.max_length, label)]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.error_messages["max_length"] = too_long(
            str(self.verbose_name or self.name), self.max_length
        )
        return field


def text_field(limit: int = TEXT, **kwargs) -> LimitedTextField:
    return LimitedTextField(max_length=limit, **kwargs)
