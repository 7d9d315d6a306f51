"""Forms for casework: allocation, TAF, assessment, plan, reviews, notes, step-up and closure."""

from django import forms

from earlyhelp.assessments.models import AssessmentDomain
from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.core.models import Organisation, Role, User
from earlyhelp.people.models import ConsentKind, ConsentStatus
from earlyhelp.thresholds.models import NeedTheme

from .base import GovukDateField, GovukForm, required

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 11)]


def _user_label(user) -> str:
    where = (
        user.team.name if user.team_id else (user.organisation.name if user.organisation_id else "")
    )
    return f"{user.display_name} ({where})" if where else user.display_name


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
        self.fields["lead_practitioner"].label_from_instance = _user_label


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
        self.fields["user"].label_from_instance = _user_label

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Choose a practitioner, or enter the name of the member")
        return data


class AssessmentStartForm(GovukForm):
    started_on = GovukDateField(
        label="Date the assessment started",
        when="past",
        error_messages=required("Enter the date the assessment started"),
    )
    completing_organisation = forms.ModelChoiceField(
        label="Organisation completing the assessment",
        queryset=Organisation.objects.order_by("name"),
        empty_label="Choose an organisation",
        help_text="Reported to Ofsted (Annex A)",
        error_messages=required("Choose the organisation completing the assessment"),
    )


class AssessmentChildrenForm(GovukForm):
    """Which of the household's children the assessment covers (each is a row in Annex A)."""

    children = forms.MultipleChoiceField(
        label="Children this assessment covers", widget=forms.CheckboxSelectMultiple,
        help_text="Every child of the household is covered unless you untick them. Each child "
        "covered is reported to Ofsted (Annex A List 2).",
        error_messages=required("Choose at least one child the assessment covers"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}
        self.fields["children"].choices = [(key, c.full_name) for key, c in self.candidates.items()]

    def chosen(self) -> list:
        return [self.candidates[key] for key in self.cleaned_data["children"]]


class MemberEntriesForm(GovukForm):
    """Needs and strengths for one family member, in each domain of the triangle."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain, label in AssessmentDomain.choices:
            self.fields[f"{domain}_needs"] = forms.CharField(
                label=f"Needs: {label.lower()}", required=False, widget=forms.Textarea
            )
            self.fields[f"{domain}_strengths"] = forms.CharField(
                label=f"Strengths: {label.lower()}", required=False, widget=forms.Textarea
            )

    def domain_fields(self):
        return [
            (label, self[f"{domain}_needs"], self[f"{domain}_strengths"])
            for domain, label in AssessmentDomain.choices
        ]


class PresentingNeedForm(GovukForm):
    theme = forms.ModelChoiceField(
        label="Need",
        queryset=NeedTheme.objects.filter(is_active=True).order_by("order", "name"),
        empty_label="Choose a need",
        error_messages=required("Choose the need"),
    )
    person = forms.ModelChoiceField(
        label="Who it is about (optional)",
        queryset=None,
        required=False,
        empty_label="The whole family",
    )
    cin_factor = forms.ChoiceField(
        label="Assessment factor code (optional)",
        choices=[("", "None")] + list(AssessmentFactor.choices),
        required=False,
        help_text="The children in need census code, so early help data compares with social care",
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea
    )
    baseline_score = forms.TypedChoiceField(
        label="Score at assessment",
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 is a serious concern, 10 is no concern",
        error_messages=required("Score the need from 1 to 10"),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: p.full_name
        self.fields["theme"].label_from_instance = lambda t: t.name


class VoiceForm(GovukForm):
    voice_of_child = forms.CharField(
        label="The voice of the child",
        required=False,
        widget=forms.Textarea,
        help_text="What the children say about their lives, in their own words where you can",
    )
    family_view = forms.CharField(
        label="The family's view",
        required=False,
        widget=forms.Textarea,
        help_text="What the family think they need, and what they want to be different",
    )
    summary = forms.CharField(
        label="Summary of the assessment", required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CompleteAssessmentForm(GovukForm):
    completed_on = GovukDateField(
        label="Date the assessment was completed",
        when="past",
        error_messages=required("Enter the date the assessment was completed"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


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
        self.fields["owner"].label_from_instance = _user_label

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Choose an owner, or enter the owner's name")
        return data


class ActionDoneForm(GovukForm):
    completed_on = GovukDateField(
        label="Date it was done", when="past", error_messages=required("Enter the date it was done")
    )


class ReviewForm(GovukForm):
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

    def score_fields(self):
        return [self[f"score_{need.pk}"] for need in self.needs]

    def scores(self) -> dict:
        return {need: self.cleaned_data[f"score_{need.pk}"] for need in self.needs}

    def clean(self):
        data = super().clean()
        held, due = data.get("held_on"), data.get("next_review_due")
        if held and due and due <= held:
            self.add_error("next_review_due", "The next review must be due after this review")
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


CASEWORK_ROLES_FOR_LEAD = [Role.WORKER, Role.MANAGER]
