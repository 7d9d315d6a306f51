"""Forms for the episode's pages: allocation, TAF, notes, step-up and closure."""

from django import forms

from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core.models import Organisation, Team, User
from earlyhelp.people.identifiers import clean_postcode
from earlyhelp.people.models import MemberRole, Person
from earlyhelp.plans.family_questions import SCORE_CHOICES, FamilyQuestions
from earlyhelp.thresholds.models import Level
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required, user_label


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
        self.fields["lead_practitioner"].label_from_instance = user_label


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
        self.fields["user"].label_from_instance = user_label

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error("name", "Choose a practitioner, or enter the name of the member")
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
    is_significant = forms.BooleanField(
        label="Significant: show it on the child's and the family's chronology",
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


class CloseForm(FamilyQuestions, GovukForm):
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

    ACTION_LABELS = {"done": "Done – it was completed", "cancelled": "Cancelled – no longer needed"}
    REFERRAL_LABELS = {"continue": "Carries on – the service keeps working with the family",
                       "withdraw": "Withdraw the referral"}

    def __init__(self, *args, actions=(), referrals=(), needs=(), **kwargs):
        """One question per plan action still open and per referral still running: closing
        never leaves them silently behind. Then, per assessed need, the practitioner's closing
        score and the family's own rating, and the family's satisfaction."""
        super().__init__(*args, **kwargs)
        self.needs = list(needs)
        for need in self.needs:
            who = f" ({need.person.full_name})" if need.person_id else ""
            last = ("no review yet" if need.last_score is None
                    else f"last review {need.last_score}")
            self.fields[f"closing_{need.pk}"] = forms.TypedChoiceField(
                label=f"{need.theme.name}{who}", required=False, coerce=int, empty_value=None,
                choices=SCORE_CHOICES, widget=forms.RadioSelect,
                help_text=f"Baseline {need.baseline_score}, {last}",
                error_messages={"invalid_choice":
                                f"Give {need.theme.name} a closing score from 1 to 10"},
            )
        self.add_family_questions(at_closure=True)
        for action in actions:
            self.fields[f"action_{action.pk}"] = forms.ChoiceField(
                label=f"{action.description} ({action.owner_name or 'no owner'})",
                choices=list(self.ACTION_LABELS.items()),
                widget=forms.RadioSelect,
                error_messages=required(f"Say what happens to the action '{action.description}'"),
            )
        for referral in referrals:
            self.fields[f"referral_{referral.pk}"] = forms.ChoiceField(
                label=f"{referral.service.name} ({referral.get_status_display().lower()})",
                choices=list(self.REFERRAL_LABELS.items()),
                widget=forms.RadioSelect,
                error_messages=required(
                    f"Say what happens to the referral to {referral.service.name}"),
            )

    def still_open_fields(self):
        return [self[name] for name in self.fields if name.startswith(("action_", "referral_"))]

    def closing_fields(self):
        return [self[f"closing_{need.pk}"] for need in self.needs]

    def clean(self):
        data = super().clean()
        # Distance travelled: every need scored or none; with the family's view, every need
        # (the closing service records the two together).
        scored = [need for need in self.needs if data.get(f"closing_{need.pk}") is not None]
        if (scored or data.get("family_rater")) and len(scored) < len(self.needs):
            for need in self.needs:
                if need not in scored:
                    self.add_error(f"closing_{need.pk}",
                                   f"Give {need.theme.name} a closing score from 1 to 10")
        self.check_family_answers()
        return data

    def closing(self) -> dict | None:
        """The closing answers as the closing service takes them, keyed by need id (they wait
        in the session for the check page): None when nothing was scored or asked."""
        data = self.cleaned_data
        scores = {str(need.pk): data[f"closing_{need.pk}"] for need in self.needs
                  if data.get(f"closing_{need.pk}") is not None}
        family = self.family()
        if family and "scores" in family:
            family["scores"] = {str(need.pk): score for need, score in family["scores"].items()}
        if not scores and not family:
            return None
        return {"scores": scores, "family": family}


class StartDateForm(GovukForm):
    start_date = GovukDateField(
        label="Date the episode started",
        when="past",
        help_text="Usually the day of the front door's decision; never before it",
        error_messages=required("Enter the date the episode started"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FocusChildAddForm(GovukForm):
    person = forms.ModelChoiceField(
        label="Which child?",
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=required("Select the child"),
    )
    on = GovukDateField(
        label="From",
        when="past",
        error_messages=required("Enter the date they became a focus child"),
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = children
        self.fields["person"].label_from_instance = lambda p: p.full_name


class FocusChildEndForm(GovukForm):
    on = GovukDateField(
        label="Date they stopped being a focus child",
        when="past",
        error_messages=required("Enter the date they stopped being a focus child"),
    )


MEMBER_ROWS = 6  # people a step-down page takes in one go; more join from the family page


class StepDownForm(GovukForm):
    """A step-down from children's social care: the episode's details, and – for a family new
    to early help – the household and up to MEMBER_ROWS people (blank rows are ignored)."""

    team = forms.ModelChoiceField(
        label="Team taking the family on",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages=required("Choose the team taking the family on"),
    )
    social_care_decided_on = GovukDateField(
        label="Date social care decided to step down",
        when="past",
        error_messages=required("Enter the date social care decided to step down"),
    )
    on = GovukDateField(
        label="Date the early help episode starts",
        when="past",
        help_text="On or after social care's decision",
        error_messages=required("Enter the date the early help episode starts"),
    )
    reason = forms.CharField(
        label="Why is the family being stepped down?",
        widget=forms.Textarea,
        error_messages=required("Enter why the family is being stepped down"),
    )
    social_care_reference = forms.CharField(
        label="Children's social care reference (if known)", required=False, max_length=40
    )
    level = forms.ModelChoiceField(
        label="Level of need (if known)",
        queryset=Level.objects.none(),
        required=False,
        empty_label="Not yet decided",
    )

    def __init__(self, *args, teams, levels, family=None, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["team"].queryset = teams
        self.fields["level"].queryset = levels
        if family is not None:
            self.fields["focus_children"] = forms.ModelMultipleChoiceField(
                label="Focus children",
                queryset=children,
                widget=forms.CheckboxSelectMultiple,
                error_messages=required("Select at least one focus child"),
            )
            self.fields["focus_children"].label_from_instance = lambda p: p.full_name
            return
        self.fields["family_name"] = forms.CharField(
            label="Household name",
            max_length=200,
            help_text="For example, the Smith family",
            error_messages=required("Enter the household's name"),
        )
        self.fields["address_line_1"] = forms.CharField(
            label="Address line 1", max_length=200, required=False
        )
        self.fields["town"] = forms.CharField(label="Town or city", max_length=100, required=False)
        self.fields["postcode"] = forms.CharField(label="Postcode", max_length=10, required=False)
        for n in range(1, MEMBER_ROWS + 1):
            self.fields[f"m{n}_given_name"] = forms.CharField(
                label="First name", max_length=100, required=False
            )
            self.fields[f"m{n}_last_name"] = forms.CharField(
                label="Last name", max_length=100, required=False
            )
            self.fields[f"m{n}_date_of_birth"] = GovukDateField(
                label="Date of birth", when="past", required=False,
                name_in_errors=f"Person {n}'s date of birth",
            )
            self.fields[f"m{n}_role"] = forms.ChoiceField(
                label="Role in the household",
                choices=[("", "Choose a role"), *MemberRole.choices],
                required=False,
            )
            self.fields[f"m{n}_focus"] = forms.BooleanField(
                label="A focus child of the episode", required=False
            )

    def member_rows(self):
        """The member fields grouped per person, for the template."""
        return [
            {
                "number": n,
                "fields": [self[f"m{n}_{name}"] for name in
                           ("given_name", "last_name", "date_of_birth", "role", "focus")],
            }
            for n in range(1, MEMBER_ROWS + 1)
        ]

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode") or ""
        return clean_postcode(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        if self.family is not None:
            return data
        members = []
        for n in range(1, MEMBER_ROWS + 1):
            row = {name: data.get(f"m{n}_{name}") for name in
                   ("given_name", "last_name", "date_of_birth", "role", "focus")}
            if not any(row.values()):
                continue
            for name, message in (("given_name", "first name"), ("last_name", "last name")):
                if not (row[name] or "").strip():
                    self.add_error(f"m{n}_{name}", f"Enter person {n}'s {message}")
            if not row["role"]:
                self.add_error(f"m{n}_role", f"Choose person {n}'s role in the household")
            if row["focus"] and row["role"] and row["role"] != MemberRole.CHILD:
                self.add_error(f"m{n}_focus", f"Only a child can be a focus child (person {n})")
            members.append(row)
        if not members:
            self.add_error("m1_given_name", "Enter the people in the household")
        elif not any(m["focus"] for m in members) and not self.has_error("m1_given_name"):
            self.add_error("m1_focus", "Mark at least one child as a focus child")
        data["members"] = members
        return data

    def members_for_service(self) -> list[dict]:
        """The people in the shape cases.services.episode_step_down_new_family takes."""
        return [
            {
                "person": {
                    "given_name": row["given_name"].strip(),
                    "family_name": row["last_name"].strip(),
                    **({"date_of_birth": row["date_of_birth"]} if row["date_of_birth"] else {}),
                },
                "role": row["role"],
                "focus": bool(row["focus"]),
            }
            for row in self.cleaned_data["members"]
        ]
