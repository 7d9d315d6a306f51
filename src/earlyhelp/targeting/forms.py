"""Forms of the targeting pages."""

from django import forms

from earlyhelp.web.forms.base import GovukDateField

from .models import Backend


class RunStartForm(forms.Form):
    """Start a run: the reference date ends every criterion's time window."""

    reference_date = GovukDateField(
        required=False,
        label="Reference date",
        help_text="Criteria look back from this date. Leave it blank for today.",
        name_in_errors="The reference date",
    )
    backend = forms.ChoiceField(
        choices=Backend.choices,
        initial=Backend.DUCKDB,
        widget=forms.RadioSelect,
        label="Where to run the linkage",
    )
    retrain = forms.BooleanField(
        required=False, label="Estimate a new version of the linkage model from this data"
    )


class DecisionForm(forms.Form):
    DECISIONS = (("accept", "Yes, the same person"), ("reject", "No, different people"))

    decision = forms.ChoiceField(
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these records are the same person"},
    )
    reason = forms.CharField(required=False, max_length=1000, widget=forms.Textarea)


class CohortFilterForm(forms.Form):
    eligible = forms.ChoiceField(
        required=False,
        choices=(
            ("", "All families meeting a criterion"),
            ("yes", "Eligible"),
            ("no", "Not (yet) eligible"),
        ),
    )
    known = forms.ChoiceField(
        required=False,
        choices=(
            ("", "Known or not"),
            ("unknown", "Not known to early help or social care"),
            ("early_help", "Known to early help"),
            ("social_care", "Known to social care"),
        ),
    )
