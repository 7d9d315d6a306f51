"""Forms for the directory pages: the public search, referrals and their status changes."""

from django import forms

from earlyhelp.core.models import Locality
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required

from .models import DeclineReason, FinishOutcome, ProviderKind


class SearchForm(GovukForm):
    """The public directory search: by need, age and area (every field optional)."""

    q = forms.CharField(label="Search by name or keyword", required=False, max_length=100)
    need = forms.ModelChoiceField(
        label="What do you need help with?",
        required=False,
        empty_label="Any need",
        queryset=NeedTheme.objects.filter(is_active=True).order_by("order", "name"),
        to_field_name="code",
    )
    age = forms.IntegerField(
        label="Age of the child or adult",
        required=False,
        widget=forms.TextInput,  # GOV.UK: a text input with a numeric keypad, never type=number
        min_value=0,
        max_value=120,
        help_text="In years. Enter 0 for a baby under 1.",
        error_messages={
            "invalid": "Age must be a whole number, like 7",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
    )
    area = forms.ModelChoiceField(
        label="Area",
        required=False,
        empty_label="Anywhere in the borough",
        queryset=Locality.objects.order_by("name"),
        to_field_name="code",
    )
    kind = forms.ChoiceField(
        label="Who provides it",
        required=False,
        choices=[("", "Any provider"), *ProviderKind.choices],
    )


class ReferForm(GovukForm):
    person = forms.ChoiceField(
        label="Who is being referred?",
        widget=forms.RadioSelect,
        error_messages=required("Select who is being referred"),
    )
    reason = forms.CharField(
        label="What does the family need from this service?",
        widget=forms.Textarea,
        max_length=4000,
        error_messages=required("Enter what the family needs from the service"),
        help_text="The provider reads this. Share only what they need to help.",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Needs this referral is for",
        required=False,
        queryset=NeedTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    plan_action = forms.ChoiceField(label="Plan action this referral is part of", required=False)

    WHOLE_FAMILY = "family"

    def __init__(self, *args, members=(), themes=None, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(self.WHOLE_FAMILY, "The whole family")] + [
            (str(m.person_id), f"{m.name}" + (f" (aged {m.age})" if m.age is not None else ""))
            for m in members
        ]
        if themes is not None:
            self.fields["themes"].queryset = themes
        self.fields["plan_action"].choices = [("", "Not linked to a plan action")] + [
            (str(a.pk), a.description[:80]) for a in actions
        ]


class DeclineForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the referral declined?",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select why the referral is declined"),
    )
    note = forms.CharField(
        label="More detail", required=False, widget=forms.Textarea, max_length=2000
    )


class NoteForm(GovukForm):
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea, max_length=2000
    )


class StartForm(GovukForm):
    started_on = GovukDateField(
        label="When did the service start?",
        when="past",
        name_in_errors="The start date",
        help_text="For example, 27 3 2026",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea, max_length=2000
    )


class FinishForm(GovukForm):
    finished_on = GovukDateField(
        label="When did the service end?",
        when="past",
        name_in_errors="The end date",
        help_text="For example, 27 3 2026",
    )
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=FinishOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select how the service ended"),
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea, max_length=2000
    )


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the referral being withdrawn?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages=required("Enter why the referral is being withdrawn"),
    )


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Open Referral UK JSON file",
        help_text="A list of services, or the /services response with its 'content' list.",
        error_messages=required("Select a JSON file to import"),
    )
    dry_run = forms.BooleanField(label="Check the file without importing it", required=False)
