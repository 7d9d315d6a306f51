"""Forms for the episode's pages: allocation, TAF, notes, step-up and closure."""

from django import forms

from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core.models import Organisation, User
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required, user_label


class AllocateForm(GovukForm):
    lead_practitioner = forms.ModelChoiceField(
        label="Lead practitioner",
        queryset=User.objects.none(),
        empty_label="Choose a practitioner",
        help_text="Someone from the team, or a Team Around the Family member from another agency",
        error_messages=required("Choose the lead practitioner"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_practitioner"].queryset = candidates
        self.fields["lead_practitioner"].label_from_instance = user_label


class TafMemberForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Practitioner with an earlyhelp account",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not listed: enter their details below",
    )
    name = forms.CharField(label="Name", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose an organisation",
    )
    role = forms.CharField(
        label="Role",
        required=False,
        max_length=200,
        help_text="For example, school nurse, class teacher",
    )
    joined_on = GovukDateField(
        label="Date they joined", when="past", error_messages=required("Enter the date they joined")
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = user_label

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Choose a practitioner, or enter the name of the member")
        return data


class CaseNoteForm(GovukForm):
    subject = forms.CharField(
        label="Subject", max_length=200, error_messages=required("Enter a subject")
    )
    text = forms.CharField(
        label="Note", widget=forms.Textarea, error_messages=required("Enter the note")
    )
    is_sensitive = forms.BooleanField(
        label="Sensitive: only early help staff and the lead practitioner may read it",
        required=False,
    )


class StepUpForm(GovukForm):
    on = GovukDateField(
        label="Date of the step-up",
        when="past",
        error_messages=required("Enter the date of the step-up"),
    )
    reason = forms.CharField(
        label="Why is the family being stepped up?",
        widget=forms.Textarea,
        error_messages=required("Enter why the family is being stepped up"),
    )
    social_care_reference = forms.CharField(
        label="Children's social care reference (if known)", required=False, max_length=40
    )


class CloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Closure outcome",
        choices=[c for c in ClosureOutcome.choices if c[0] != ClosureOutcome.STEPPED_UP],
        widget=forms.RadioSelect,
        error_messages=required("Select the closure outcome"),
    )
    end_date = GovukDateField(
        label="Date the episode closed",
        when="past",
        error_messages=required("Enter the date the episode closed"),
    )
    summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea,
        help_text="What changed for the family, and what support continues",
        error_messages=required("Enter a closure summary"),
    )
