"""Forms of the targeting pages."""

from pathlib import Path

from django import forms

from earlyhelp.web.forms.base import GovukDateField, GovukForm, required

from .models import SOURCE_TYPE_CHOICES, Backend
from .uploads import MAX_BYTES, SUFFIXES


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


class UploadForm(GovukForm):
    """An agency file for targeting: which source it is, and the CSV (or XLSX) itself."""

    source_type = forms.ChoiceField(
        choices=SOURCE_TYPE_CHOICES,
        widget=forms.RadioSelect,
        label="Which agency's file is it?",
        error_messages=required("Select which agency's file this is"),
    )
    file = forms.FileField(
        label="The file",
        help_text="A CSV file (or an Excel XLSX file) with the source's columns in its first row.",
        error_messages=required("Select a CSV file to upload"),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("The file must be a CSV or an XLSX file")
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
            )
        return uploaded
