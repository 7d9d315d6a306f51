"""Forms for the plan's pages: start, outcomes, actions and reviews."""

from django import forms

from earlyhelp.core.models import User
from earlyhelp.plans.family_questions import SCORE_CHOICES, FamilyQuestions
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required, user_label

# Progress scores (SCORE_CHOICES): 1 is a serious concern, 10 is no concern (the models check
# the range).


class PlanStartForm(GovukForm):
    started_on = GovukDateField(
        label="Date the plan started",
        when="past",
        error_messages=required("Enter the date the plan started"),
    )


class PlanOutcomeForm(GovukForm):
    text = forms.CharField(
        label="What does the family want to be different?",
        widget=forms.Textarea,
        help_text="In the family's words",
        error_messages=required("Enter the outcome the family want"),
    )
    need = forms.ModelChoiceField(
        label="The need it answers (optional)",
        queryset=None,
        required=False,
        empty_label="Not linked to a need",
    )

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs
        self.fields["need"].label_from_instance = lambda n: n.theme.name


class PlanActionForm(GovukForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea,
        help_text="Specific and measurable: who does what, by when",
        error_messages=required("Enter the action"),
    )
    outcome = forms.ModelChoiceField(
        label="Outcome it works towards (optional)",
        queryset=None,
        required=False,
        empty_label="Not linked to an outcome",
    )
    owner = forms.ModelChoiceField(
        label="Owner with an earlyhelp account",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone else: enter their name below",
    )
    owner_name = forms.CharField(
        label="Owner's name",
        required=False,
        max_length=200,
        help_text="For example, a parent, or a practitioner without an account",
    )
    due_date = GovukDateField(
        label="Due date",
        name_in_errors="The due date",
        error_messages=required("Enter the due date"),
    )

    def __init__(self, *args, outcomes, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = outcomes
        self.fields["outcome"].label_from_instance = lambda o: o.text[:80]
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = user_label

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Choose an owner, or enter the owner's name")
        return data


class ActionDoneForm(GovukForm):
    completed_on = GovukDateField(
        label="Date it was done", when="past", error_messages=required("Enter the date it was done")
    )


class ReviewForm(FamilyQuestions, GovukForm):
    held_on = GovukDateField(
        label="Date of the review",
        when="past",
        error_messages=required("Enter the date of the review"),
    )
    attendees = forms.CharField(
        label="Who attended",
        widget=forms.Textarea,
        help_text="One per line",
        error_messages=required("Enter who attended the review"),
    )
    summary = forms.CharField(label="Summary of progress", required=False, widget=forms.Textarea)
    family_view = forms.CharField(label="The family's view", required=False, widget=forms.Textarea)
    next_review_due = GovukDateField(
        label="Date the next review is due",
        required=False,
        name_in_errors="The next review date",
        help_text="Normally 6 to 12 weeks from now. Leave blank if the episode is closing.",
    )

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = list(needs)
        for need in self.needs:
            who = f" ({need.person.full_name})" if need.person_id else ""
            self.fields[f"score_{need.pk}"] = forms.TypedChoiceField(
                label=f"{need.theme.name}{who}",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=f"Score at assessment: {need.baseline_score}",
                error_messages=required(f"Score progress on {need.theme.name} from 1 to 10"),
            )

        self.add_family_questions()

    def score_fields(self):
        return [self[f"score_{need.pk}"] for need in self.needs]

    def scores(self) -> dict:
        return {need: self.cleaned_data[f"score_{need.pk}"] for need in self.needs}

    def clean(self):
        data = super().clean()
        held, due = data.get("held_on"), data.get("next_review_due")
        if held and due and due <= held:
            self.add_error("next_review_due", "The next review must be due after this review")
        self.check_family_answers()
        return data
