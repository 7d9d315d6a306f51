"""Forms for the results pages."""

import uuid

from django import forms

from earlyhelp.web.forms.base import GovukDateField, GovukForm, required


class AttachForm(GovukForm):
    family = forms.CharField(
        label="Family reference",
        help_text="The family's reference, from its page or the targeting cohort.",
        max_length=36,
        error_messages=required("Enter the family's reference"),
    )
    attached_on = GovukDateField(label="Date the family joined the programme", when="past",
                                 error_messages=required("Enter the date the family joined"))
    household_key = forms.CharField(
        label="Household in the linked records (optional)", required=False, max_length=16,
        help_text="The household key from the targeting cohort, so outcomes can be checked.",
    )

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        self.families = families

    def clean_family(self):
        value = self.cleaned_data["family"].strip()
        try:
            return self.families.get(pk=uuid.UUID(value))
        except (ValueError, self.families.model.DoesNotExist):
            raise forms.ValidationError("Enter the reference of a family you can see") from None


class NeedForm(GovukForm):
    measure = forms.ModelChoiceField(
        label="Which need, and the measure of progress?", queryset=None, empty_label=None,
        widget=forms.RadioSelect, error_messages=required("Select the need"),
    )
    identified_on = GovukDateField(label="Date the need was identified", when="past",
                                   error_messages=required("Enter the date the need was identified"))
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea,
                           max_length=2000)

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: f"{m.outcome.name}: {m.name}"


class CostCohortForm(GovukForm):
    """The cohort to price: episodes closed in a period (optionally one team's)."""

    closed_from = GovukDateField(label="Closed on or after",
                                 error_messages=required("Enter the first day of the period"))
    closed_to = GovukDateField(label="Closed on or before",
                               error_messages=required("Enter the last day of the period"))
    team = forms.ModelChoiceField(label="Team (optional)", queryset=None, required=False,
                                  empty_label="Every team you can see")
    months = forms.IntegerField(
        label="Months before and after the work", min_value=1, max_value=36,
        error_messages={"required": "Enter how many months before and after the work",
                        "invalid": "Months must be a whole number",
                        "min_value": "Months must be 1 or more",
                        "max_value": "Months must be 36 or fewer"})

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        first, last = data.get("closed_from"), data.get("closed_to")
        if first and last and last < first:
            self.add_error("closed_to", "The last day must be on or after the first day")
        return data
