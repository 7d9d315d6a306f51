"""Forms for the panel pages."""

from django import forms

from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core.models import Locality, User
from earlyhelp.directory.models import Service
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.web.forms.base import GovukDateField, GovukForm, UserChoice, required

from .models import DecisionKind, UnmetNeed


def _users():
    return (
        User.objects.filter(is_active=True)
        .exclude(role__in=["analyst", "admin"])
        .order_by("last_name", "first_name")
    )


class BringForm(GovukForm):
    panel = forms.ModelChoiceField(
        label="Which panel?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=required("Select the panel"),
    )
    detail = forms.CharField(
        label="Why are you bringing this case to the panel?",
        widget=forms.Textarea,
        max_length=4000,
        error_messages=required("Enter why the case is being brought"),
        help_text="Say what is stuck and what you would like the panel to decide.",
    )

    def __init__(self, *args, panels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels


class DecisionForm(GovukForm):
    kind = forms.ChoiceField(
        label="What did the panel decide?",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select what the panel decided"),
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea,
        max_length=4000,
        error_messages=required("Enter the reasons for the panel's decision"),
    )
    lead_practitioner = UserChoice(
        label="Lead practitioner (if allocating)",
        required=False,
        queryset=_users(),
        empty_label="Choose a practitioner",
    )
    service = forms.ModelChoiceField(
        label="Service (if adding one)",
        required=False,
        empty_label="Choose a service",
        queryset=Service.objects.filter(status="active").order_by("name"),
    )
    action_owner = UserChoice(
        label="Who will make the referral (if adding a service)",
        required=False,
        queryset=_users(),
        empty_label="The lead practitioner",
    )
    closure_outcome = forms.ChoiceField(
        label="Closure outcome (if closing)",
        required=False,
        choices=[("", "Choose an outcome")]
        + [c for c in ClosureOutcome.choices if c[0] != ClosureOutcome.STEPPED_UP],
    )
    social_care_reference = forms.CharField(
        label="Children's social care reference (if stepping up)",
        required=False,
        max_length=40,
    )


class ActionForm(GovukForm):
    description = forms.CharField(
        label="What needs to be done",
        widget=forms.Textarea,
        max_length=2000,
        error_messages=required("Enter what needs to be done"),
    )
    owner = UserChoice(
        label="Who will do it",
        queryset=_users(),
        empty_label="Choose a person",
        error_messages=required("Select who will do it"),
    )
    due_date = GovukDateField(
        label="Due date",
        name_in_errors="The due date",
        help_text="For example, 27 3 2026",
        error_messages=required("Enter the due date"),
    )


class UnmetNeedForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Need",
        required=False,
        empty_label="Choose a need",
        queryset=NeedTheme.objects.filter(is_active=True),
    )
    age_group = forms.ChoiceField(
        label="Age group",
        required=False,
        choices=[("", "Choose an age group")] + UnmetNeed._meta.get_field("age_group").choices,
    )
    locality = forms.ModelChoiceField(
        label="Area", required=False, empty_label="Whole borough", queryset=Locality.objects.all()
    )
    description = forms.CharField(
        label="What need could not be met?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages=required("Describe the need that could not be met"),
        help_text="Do not name the family or give details that identify them: commissioners "
        "read this.",
    )
    families_affected = forms.IntegerField(
        label="Families affected",
        widget=forms.TextInput,
        min_value=1,
        initial=1,
        error_messages={
            **required("Enter how many families"),
            "invalid": "Families affected must be a whole number",
            "min_value": "Families affected must be 1 or more",
        },
    )


class MeetingForm(GovukForm):
    date = GovukDateField(
        label="Date of the meeting",
        when="future",
        name_in_errors="The meeting date",
        help_text="For example, 27 3 2026",
        error_messages=required("Enter the date of the meeting"),
    )
    venue = forms.CharField(label="Where (optional)", required=False, max_length=200)


class ReportForm(GovukForm):
    date_from = GovukDateField(label="From", required=False, name_in_errors="The start date")
    date_to = GovukDateField(label="To", required=False, name_in_errors="The end date")
