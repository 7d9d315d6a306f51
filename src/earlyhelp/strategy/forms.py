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


# Quality audits


def _recent_months(count: int = 12):
    from earlyhelp.core import dates

    first = dates.today().replace(day=1)
    months = [dates.months_before(first, n) for n in range(count)]
    return [(m.isoformat(), f"{m:%B %Y}") for m in months]


class ProgrammeForm(GovukForm):
    name = forms.CharField(label="Name of the programme", max_length=200,
                           help_text="For example, Case audit October 2026",
                           error_messages=required("Enter a name for the programme"))
    month = forms.ChoiceField(
        label="Month audited", choices=(),
        help_text="Assessments completed and plans started in this month are sampled.",
        error_messages=required("Select the month to audit") | {
            "invalid_choice": "Select one of the last 12 months"},
    )
    tool = forms.ModelChoiceField(
        label="Audit tool", queryset=None, empty_label=None, widget=forms.RadioSelect,
        error_messages=required("Select the audit tool"),
    )
    per_team = forms.IntegerField(
        label="Records to sample from each team", min_value=1, max_value=50,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages=required("Enter how many records to sample from each team") | {
            "invalid": "The sample per team must be a whole number, like 4",
            "min_value": "The sample per team must be between 1 and 50",
            "max_value": "The sample per team must be between 1 and 50"},
    )
    seed = forms.IntegerField(
        label="Random seed (optional)", required=False, min_value=0, max_value=2**31 - 1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
        help_text="Leave blank for a new random draw. Enter an earlier programme's seed to "
        "repeat its draw.",
        error_messages={"invalid": "The seed must be a whole number, like 48213",
                        "min_value": "The seed must be 0 or more",
                        "max_value": "The seed must be smaller than 2147483648"},
    )
    auditors = forms.ModelMultipleChoiceField(
        label="Auditors", queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text="Nobody is given their own case or a case of a team they manage.",
        error_messages=required("Select at least one auditor"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import AuditTool
        from .selectors import auditor_choices

        self.fields["month"].choices = _recent_months()
        self.fields["tool"].queryset = AuditTool.objects.filter(is_active=True)
        self.fields["auditors"].queryset = auditor_choices()
        self.fields["auditors"].label_from_instance = (
            lambda u: f"{u.display_name} ({u.get_role_display()}"
                      f"{', ' + u.team.name if u.team_id else ''})")


def _grade_field(label, message):
    from .models import Grade

    return forms.ChoiceField(label=label, choices=Grade.choices, widget=forms.RadioSelect,
                             error_messages=required(message))


class GradeForm(GovukForm):
    """One grade and comment per question of the tool, then the overall grade and summary."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"grade_{question.pk}"] = _grade_field(
                question.text, f"Select a grade for “{question.text}”")
            self.fields[f"grade_{question.pk}"].help_text = question.guidance
            self.fields[f"comment_{question.pk}"] = forms.CharField(
                label=f"Comments on “{question.text}”", widget=forms.Textarea(attrs={"rows": 3}),
                required=False, help_text="Needed for requires improvement or inadequate.")
        self.fields["grade"] = _grade_field("Overall grade", "Select an overall grade")
        self.fields["summary"] = forms.CharField(
            label="Summary of the findings", widget=forms.Textarea, required=False,
            help_text="Needed for requires improvement or inadequate.")

    def pairs(self):
        return [(self[f"grade_{q.pk}"], self[f"comment_{q.pk}"]) for q in self.questions]

    def answers(self):
        data = self.cleaned_data
        return {q.pk: (data.get(f"grade_{q.pk}", ""), data.get(f"comment_{q.pk}", ""))
                for q in self.questions}


class AcknowledgeForm(GovukForm):
    comment = forms.CharField(label="Your response (optional)", widget=forms.Textarea,
                              required=False)


class ModerateForm(GovukForm):
    target = forms.ChoiceField(label="Grade to change", choices=(),
                               error_messages=required("Select the grade to change") | {
                                   "invalid_choice": "Select a grade this audit gave"})
    new_grade = _grade_field("Moderated grade", "Select the moderated grade")
    reason = forms.CharField(label="Reason for the change", widget=forms.Textarea,
                             error_messages=required("Enter the reason for changing the grade"))

    def __init__(self, *args, audit, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("overall", "Overall grade")] + [
            (str(q.pk), q.text) for q in questions]
        self.questions = {str(q.pk): q for q in questions}

    def question(self):
        return self.questions.get(self.cleaned_data["target"])


class ReassignForm(GovukForm):
    auditor = UserChoice(label="New auditor", queryset=None,
                         error_messages=required("Select the new auditor") | {
                             "invalid_choice": "Select someone who may audit this case"})

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import eligible_auditors

        self.fields["auditor"].queryset = eligible_auditors(audit).exclude(pk=audit.auditor_id)
