"""Forms for the strategy pages."""

from django import forms

from earlyhelp.core.models import Organisation, User
from earlyhelp.web.forms.base import GovukDateField, GovukForm, UserChoice, VersionField, required

from .models import Framework, Level


def _active_users():
    return (
        User.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


class RoundForm(GovukForm):
    framework = forms.ModelChoiceField(
        label="Framework",
        queryset=Framework.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages=required("Select the framework partners will rate"),
    )
    name = forms.CharField(
        label="Name of the round",
        max_length=200,
        help_text="For example, Partnership self-assessment 2026",
        error_messages=required("Enter a name for the round"),
    )
    chair = UserChoice(
        label="Chair",
        queryset=None,
        help_text="The chair records the partnership's consensus rating for each element.",
        error_messages=required("Select the chair"),
    )
    target_level = forms.CharField(
        label="Target level",
        max_length=60,
        help_text="The name of a level of the framework, for example Established. A consensus "
        "below it puts the element on the action plan.",
        error_messages=required("Enter the target level"),
    )
    opens_on = GovukDateField(
        label="Opens on", error_messages=required("Enter the date the round opens")
    )
    closes_on = GovukDateField(
        label="Closes on", error_messages=required("Enter the date the round closes")
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Partner organisations to invite",
        queryset=Organisation.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages=required("Select at least one partner organisation to invite"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _active_users()

    def clean(self):
        data = super().clean()
        framework, name = data.get("framework"), data.get("target_level")
        if framework and name:
            level = Level.objects.filter(framework=framework, name__iexact=name.strip()).first()
            if level is None:
                names = ", ".join(framework.levels.values_list("name", flat=True))
                self.add_error("target_level", f"Enter a level of {framework.name}: {names}")
            else:
                data["target_level"] = level
        return data


class RatingForm(GovukForm):
    level = forms.ModelChoiceField(
        label="Level",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages=required("Select the level that best describes your organisation's view"),
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea,
        help_text="What you have seen that supports this rating.",
        error_messages=required("Enter the evidence for your rating"),
    )
    comments = forms.CharField(label="Comments (optional)", widget=forms.Textarea, required=False)
    version = VersionField("rating", required=False)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = framework.levels.all()
        self.fields["level"].label_from_instance = lambda lvl: f"{lvl.rank}. {lvl.name}"


class ConsensusForm(GovukForm):
    level = forms.ModelChoiceField(
        label="Consensus level",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages=required("Select the level the partnership agreed"),
    )
    rationale = forms.CharField(
        label="Why this level",
        widget=forms.Textarea,
        error_messages=required("Enter why the partnership settled on this level"),
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = framework.levels.all()
        self.fields["level"].label_from_instance = lambda lvl: f"{lvl.rank}. {lvl.name}"


class ActionItemForm(GovukForm):
    outcome = forms.CharField(
        label="Outcome sought", widget=forms.Textarea,
        error_messages=required("Enter the outcome sought"),
    )
    measure = forms.CharField(
        label="Measure", max_length=300, error_messages=required("Enter how progress is measured")
    )
    target = forms.CharField(
        label="Target", max_length=200, error_messages=required("Enter the target")
    )
    due_on = GovukDateField(label="Target date", error_messages=required("Enter the target date"))
    owner = UserChoice(label="Owner", queryset=None, error_messages=required("Select the owner"))
    actions = forms.CharField(label="Actions", widget=forms.Textarea, required=False)
    element = forms.ModelChoiceField(
        label="Framework element (optional)", queryset=None, required=False,
    )
    indicator = forms.ModelChoiceField(
        label="Dashboard indicator that shows progress (optional)", queryset=None, required=False,
    )
    indicator_target = forms.DecimalField(
        label="Indicator value that means achieved", required=False, max_digits=12,
        decimal_places=2,
        error_messages={"invalid": "The indicator value must be a number, like 75 or 12.5"},
    )
    version = VersionField("action plan item", required=False)

    def __init__(self, *args, elements, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_users()
        self.fields["element"].queryset = elements
        self.fields["element"].label_from_instance = (
            lambda e: f"{e.dimension.framework.name}: {e.dimension.name} – {e.name}"
        )
        self.fields["indicator"].queryset = indicators

    def clean(self):
        data = super().clean()
        if data.get("indicator") and data.get("indicator_target") is None:
            self.add_error(
                "indicator_target", "Enter the indicator's value that means this is achieved"
            )
        if data.get("indicator_target") is not None and not data.get("indicator"):
            self.add_error("indicator", "Choose the indicator the target value is for")
        return data


class CompleteForm(GovukForm):
    version = VersionField("action plan item")


class CompletionForm(GovukForm):
    user = UserChoice(label="Member of staff", queryset=None,
                      error_messages=required("Select the member of staff"))
    course = forms.ModelChoiceField(label="Course", queryset=None,
                                    error_messages=required("Select the course"))
    completed_on = GovukDateField(
        label="Date completed",
        when="past",
        error_messages=required("Enter the date the course was completed"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Course

        self.fields["user"].queryset = _active_users()
        self.fields["course"].queryset = Course.objects.all()


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: username, course (the course code), completed_on (2026-03-31 or "
        "31/03/2026). If any row has a problem, nothing is imported.",
        error_messages=required("Select a CSV file"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8") from None
