"""Forms for the claims pages."""

from decimal import Decimal

from django import forms

from earlyhelp.web.forms.base import GovukDateField, GovukForm, required


class PrepareForm(GovukForm):
    framework = forms.ModelChoiceField(
        label="Programme", queryset=None, empty_label=None,
        error_messages=required("Select the programme"))
    window_start = GovukDateField(label="First day of the claim window", when="past",
                                  error_messages=required("Enter the first day of the window"))
    window_end = GovukDateField(label="Last day of the claim window", when="past",
                                error_messages=required("Enter the last day of the window"))

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = frameworks


class SampleForm(GovukForm):
    size = forms.IntegerField(
        label="How many families to sample", min_value=1, max_value=1000,
        error_messages={**required("Enter how many families to sample"),
                        "min_value": "The sample must have at least 1 family",
                        "max_value": "The sample can have at most 1000 families",
                        "invalid": "Enter the sample size as a whole number"})
    seed = forms.IntegerField(
        label="Seed (optional)", required=False, min_value=0, max_value=2**63 - 1,
        help_text="Leave empty to draw a new sample. Enter a recorded seed to draw it again.",
        error_messages={"invalid": "Enter the seed as a whole number",
                        "min_value": "Enter the seed as a whole number, 0 or more"})


class VerdictForm(GovukForm):
    verdict = forms.ChoiceField(
        label="Does the evidence support the claim for this family?", widget=forms.RadioSelect,
        choices=[("passed", "Yes: it passes"), ("failed", "No: it fails and comes out of the "
                                                          "claim")],
        error_messages=required("Select whether the family passes"))
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=2000,
                             error_messages=required("Say why the family passed or failed"))


class PaymentForm(GovukForm):
    received_on = GovukDateField(label="Date the payment was received", when="past",
                                 error_messages=required("Enter the date it was received"))
    amount = forms.DecimalField(
        label="Amount (£)", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        error_messages={**required("Enter the amount"),
                        "invalid": "Enter the amount in pounds, like 800 or 800.50",
                        "min_value": "Enter an amount more than £0",
                        "max_decimal_places": "Enter the amount to the penny at most"})
    reference = forms.CharField(label="Payment reference", max_length=60,
                                error_messages=required("Enter the payment's reference"))


class ClaimCostForm(GovukForm):
    """How many months before and after the day each family joined the programme."""

    months = forms.IntegerField(
        label="Months before and after the family joined the programme", min_value=1,
        max_value=36,
        error_messages={"required": "Enter how many months before and after",
                        "invalid": "Months must be a whole number",
                        "min_value": "Months must be 1 or more",
                        "max_value": "Months must be 36 or fewer"})


class RemoveFamilyForm(GovukForm):
    reason = forms.CharField(
        label="Why does this family come out of the claim?", widget=forms.Textarea,
        max_length=500, error_messages={
            **required("Say why the family comes out of the claim"),
            "max_length": "The reason must be 500 characters or fewer"})
