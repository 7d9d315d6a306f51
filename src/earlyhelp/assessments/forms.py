"""Forms for the whole-family assessment's pages."""

from django import forms

from earlyhelp.assessments.models import AssessmentDomain
from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.core.models import Organisation
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required

# Progress scores: 1 is a serious concern, 10 is no concern (the models check the range).
SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 11)]


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
