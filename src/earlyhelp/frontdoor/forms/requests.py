"""Forms for a request for support: find people, add new ones, the household, the details."""

from django import forms
from django.core.exceptions import ValidationError

from earlyhelp.core.codes import ReferralSource, Sex
from earlyhelp.frontdoor.models import ConsentAnswer, Rag
from earlyhelp.people.identifiers import (
    clean_postcode,
    nhs_number_is_valid,
    normalise_nhs_number,
    upn_is_valid,
)
from earlyhelp.people.models import MemberRole
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required


def _nhs(value: str) -> str:
    value = normalise_nhs_number(value or "")
    if value and not nhs_number_is_valid(value):
        raise ValidationError(
            "Enter a valid NHS number, like 943 476 5919 (10 digits; the last is a check digit)"
        )
    return value


def _upn(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not upn_is_valid(value):
        raise ValidationError(
            "Enter a valid unique pupil number: 13 characters, a check letter then 12 digits"
        )
    return value


class PersonSearchForm(GovukForm):
    name = forms.CharField(label="Name", required=False, max_length=200)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, when="past", help_text="For example, 27 3 2015"
    )
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=13)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)

    def clean_nhs_number(self):
        return _nhs(self.cleaned_data["nhs_number"])

    def clean_upn(self):
        return _upn(self.cleaned_data["upn"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not (
            data.get("nhs_number")
            or data.get("upn")
            or (data.get("name", "").strip() and data.get("date_of_birth"))
        ):
            self.add_error(
                "name",
                "Enter an NHS number, a unique pupil number, or a name and date of birth",
            )
        return data


class NewPersonForm(GovukForm):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages=required("Enter their first name")
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages=required("Enter their last name")
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        when="past",
        required=False,
        help_text="For example, 27 3 2015. Leave blank for an unborn child and give the due date.",
    )
    expected_date_of_birth = GovukDateField(
        label="Due date (unborn child)", required=False, name_in_errors="The due date"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.NOT_STATED,
        error_messages=required("Select their sex, or 'Not stated'"),
    )
    nhs_number = forms.CharField(label="NHS number (if known)", required=False, max_length=14)
    upn = forms.CharField(label="Unique pupil number (if known)", required=False, max_length=13)
    role = forms.ChoiceField(
        label="Their place in the household",
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select their place in the household"),
    )
    relationship = forms.CharField(
        label="Relationship (optional)",
        required=False,
        max_length=100,
        help_text="For example, mother, stepfather, grandparent",
    )
    is_subject = forms.ChoiceField(
        label="Is the request about this person?",
        choices=[("yes", "Yes"), ("no", "No, they live in the household")],
        widget=forms.RadioSelect,
        error_messages=required("Select whether the request is about this person"),
    )

    def clean_nhs_number(self):
        return _nhs(self.cleaned_data["nhs_number"])

    def clean_upn(self):
        return _upn(self.cleaned_data["upn"])

    def clean(self):
        data = super().clean()
        born, due = data.get("date_of_birth"), data.get("expected_date_of_birth")
        if "date_of_birth" in data and "expected_date_of_birth" in data:
            if born and due:
                self.add_error(
                    "expected_date_of_birth",
                    "Give a date of birth or a due date, not both",
                )
            elif not born and not due:
                self.add_error("date_of_birth", "Enter their date of birth")
        return data


class HouseholdForm(GovukForm):
    name = forms.CharField(
        label="Name for the household",
        max_length=200,
        help_text="For example, the Khan household",
        error_messages=required("Enter a name for the household"),
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages=required("Enter address line 1, typically the building and street"),
    )
    address_line_2 = forms.CharField(label="Address line 2 (optional)", required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages=required("Enter the postcode")
    )

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"])


class RequestDetailsForm(GovukForm):
    referrer_name = forms.CharField(
        label="Your name", max_length=200, error_messages=required("Enter your name")
    )
    referrer_role = forms.CharField(label="Your role", max_length=200, required=False)
    referrer_email = forms.EmailField(
        label="Your email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    referrer_phone = forms.CharField(label="Your phone number", max_length=40, required=False)
    source = forms.ChoiceField(
        label="Who is making the request",
        choices=[("", "Choose a source")] + list(ReferralSource.choices),
        help_text="The referral source, as the children in need census records it",
        error_messages=required("Choose who is making the request"),
    )
    concerns = forms.CharField(
        label="What are your concerns?",
        widget=forms.Textarea,
        help_text="What is happening for the child and family, how long for, and what has been "
        "tried. Include what the family say.",
        error_messages=required("Enter your concerns"),
    )
    needs = forms.ModelMultipleChoiceField(
        label="Which needs apply? (optional)",
        queryset=NeedTheme.objects.filter(is_active=True).order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    family_consents_to_request = forms.ChoiceField(
        label="Does the family agree to this request for early help?",
        choices=ConsentAnswer.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select whether the family agrees to the request"),
    )
    family_consents_to_share = forms.ChoiceField(
        label="Does the family agree to information being shared with the agencies involved?",
        choices=ConsentAnswer.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select whether the family agrees to information sharing"),
    )
    consent_given_by = forms.ChoiceField(
        label="Who answered for the family?",
        help_text="A parent or carer answers for children under 16. A young person aged 16 or "
        "over, or a younger child able to decide for themselves, answers for themselves.",
        widget=forms.RadioSelect,
        required=False,
    )
    consent_given_by_name = forms.CharField(
        label="Their name and relationship to the children", max_length=150, required=False,
        help_text="For example, Sam Jones, grandmother with a special guardianship order",
    )
    consent_parental_responsibility = forms.ChoiceField(
        label="Do they have parental responsibility for the children in this request?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    consent_given_on = GovukDateField(
        label="When did they answer?", when="past", required=False,
        name_in_errors="The date they answered", help_text="For example, 27 3 2026",
    )
    consent_share_with = forms.CharField(
        label="Who did they agree information may be shared with?", max_length=300,
        required=False,
        help_text="For example, the early help service, school, health visitor and GP",
    )
    priority = forms.ChoiceField(
        label="Screening priority (front door only)",
        choices=[("", "Not rated yet")] + list(Rag.choices),
        required=False,
    )

    OTHER_GIVER = "other"

    def __init__(self, *args, can_rate=False, givers=(), **kwargs):
        """givers: (key, label) for each person in the request who can answer for themselves
        or for others; "someone else" is always offered."""
        super().__init__(*args, **kwargs)
        if not can_rate:
            del self.fields["priority"]
        self.fields["needs"].label_from_instance = lambda theme: theme.name
        self.fields["consent_given_by"].choices = list(givers) + [
            (self.OTHER_GIVER, "Someone else with parental responsibility")]

    def clean(self):
        data = super().clean()
        answers = {data.get("family_consents_to_request"), data.get("family_consents_to_share")}
        if not answers & {ConsentAnswer.YES, ConsentAnswer.NO}:
            # Not asked (a safeguarding concern): nobody answered, nothing to carry.
            for name in ("consent_given_by", "consent_given_by_name",
                         "consent_parental_responsibility", "consent_share_with"):
                data[name] = ""
            data["consent_given_on"] = None
            return data
        giver = data.get("consent_given_by")
        if not giver and "consent_given_by" not in self.errors:
            self.add_error("consent_given_by", "Select who answered for the family")
        if giver == self.OTHER_GIVER and not (data.get("consent_given_by_name") or "").strip():
            self.add_error("consent_given_by_name",
                           "Enter the name and relationship of the person who answered")
        if giver and giver != self.OTHER_GIVER and not data.get("consent_parental_responsibility"):
            self.add_error("consent_parental_responsibility",
                           "Select whether they have parental responsibility for the children")
        if giver == self.OTHER_GIVER:
            data["consent_parental_responsibility"] = "yes"  # what "someone else" was offered as
        if not data.get("consent_given_on") and "consent_given_on" not in self.errors:
            self.add_error("consent_given_on", "Enter the date they answered")
        if (data.get("family_consents_to_share") == ConsentAnswer.YES
                and not (data.get("consent_share_with") or "").strip()):
            self.add_error("consent_share_with",
                           "Enter who they agreed information may be shared with")
        return data
