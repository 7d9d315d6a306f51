"""Forms for families' pages."""

from django import forms

from earlyhelp.people.models import ConsentKind, ConsentStatus
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required


class ConsentForm(GovukForm):
    kind = forms.ChoiceField(
        label="Consent to",
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select what the consent is for"),
    )
    status = forms.ChoiceField(
        label="Decision",
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select the decision"),
    )
    decided_on = GovukDateField(
        label="Date of the decision",
        when="past",
        error_messages=required("Enter the date of the decision"),
    )
    scope = forms.CharField(
        label="What it covers (optional)",
        required=False,
        max_length=300,
        help_text="For example, school, health visitor, GP",
    )
    given_by = forms.CharField(
        label="Given by (optional)",
        required=False,
        max_length=200,
        help_text="For example, the parent, for a young child",
    )
