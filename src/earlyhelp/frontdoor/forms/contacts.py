"""Forms for the front door: triage decisions."""

import datetime as dt

from django import forms
from django.utils import timezone

from earlyhelp.core.codes import EpisodeReason
from earlyhelp.core.dates import today
from earlyhelp.core.models import Team
from earlyhelp.frontdoor.models import Rag, TriageOutcome
from earlyhelp.thresholds.models import Indicator
from earlyhelp.thresholds.rules import suggest_level
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required

# Fields that belong to one outcome, revealed under its radio (GOV.UK conditional reveal). Without
# JavaScript every one is shown; the form ignores those of an outcome not chosen.
OUTCOME_REVEALS = {
    TriageOutcome.EARLY_HELP: "frontdoor/_triage_early_help.html",
    TriageOutcome.STEP_UP: "frontdoor/_triage_step_up.html",
}
EARLY_HELP_ONLY = ("routed_team", "episode_reason", "episode_start_date")
STEP_UP_ONLY = ("safeguarding_override",)


class TriageForm(GovukForm):
    indicators = forms.MultipleChoiceField(
        label="Indicators of need", required=False, widget=forms.CheckboxSelectMultiple
    )
    level = forms.ModelChoiceField(
        label="Level of need",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=required("Select the level of need"),
    )
    override_reason = forms.CharField(
        label="Reason for choosing a different level from the suggested one",
        required=False,
        widget=forms.Textarea,
        help_text="Professional judgement may override the suggestion: say why.",
    )
    outcome = forms.ChoiceField(
        label="What happens next",
        choices=TriageOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=required("Select what happens next"),
    )
    universal_reason = forms.CharField(
        label="Why does this family need early help at a universal level of need?",
        required=False,
        widget=forms.Textarea,
        help_text="Needed when the level chosen is one universal services meet and the request "
        "goes to early help.",
    )
    routed_team = forms.ModelChoiceField(
        label="Team to hold the early help episode",
        queryset=Team.objects.select_related("organisation").order_by("name"),
        required=False,
        empty_label="Choose a team",
        help_text="Needed for early help",
    )
    episode_reason = forms.ChoiceField(
        label="Main reason for early help",
        choices=EpisodeReason.choices,
        initial=EpisodeReason.OTHER,
        required=False,
    )
    rag = forms.ChoiceField(
        label="Priority (RAG rating)",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        # One hint for the three (inline radios): per-option hints would stack them.
        help_text="Decide within 4 hours for red, 24 hours for amber, 72 hours for green.",
        error_messages=required("Select a priority"),
    )
    rationale = forms.CharField(
        label="Rationale for the decision",
        widget=forms.Textarea,
        error_messages=required("Enter the rationale for the decision"),
    )
    safeguarding_override = forms.BooleanField(
        label="Routed without the family's consent because of a child-protection concern",
        required=False,
    )
    decided_at = GovukDateField(
        label="Date of the decision", name_in_errors="The decision date", when="past",
        required=False, help_text="Leave blank for today, or give the day it was decided.",
    )
    decided_time = forms.CharField(
        label="Time of the decision", required=False, max_length=5,
        help_text="24-hour clock, for example 14:30. Needed for a decision made on an earlier day.",
    )
    episode_start_date = GovukDateField(
        label="Date the early help episode starts", name_in_errors="The episode start date",
        when="past", required=False,
        help_text="Early help only. Leave blank to start it on the date of the decision.",
    )

    def __init__(self, *args, threshold_model, **kwargs):
        super().__init__(*args, **kwargs)
        self.threshold_model = threshold_model
        self.all_indicators = list(
            Indicator.objects.filter(domain__model=threshold_model)
            .select_related("domain", "level__model")
            .order_by("domain__order", "domain__name", "level__rank", "order")
        )
        self.fields["indicators"].choices = [(str(i.pk), i.text) for i in self.all_indicators]
        self.fields["level"].queryset = threshold_model.levels.order_by("rank")
        self.fields["level"].label_from_instance = lambda level: f"{level.rank} – {level.name}"
        self.fields["outcome"].option_reveals = {str(k): v for k, v in OUTCOME_REVEALS.items()}

    def chosen_indicators(self) -> list:
        raw = self.data.getlist("indicators") if self.is_bound else []
        chosen = set(raw)
        return [i for i in self.all_indicators if str(i.pk) in chosen]

    def suggested_level(self):
        return suggest_level(self.chosen_indicators())

    def indicator_groups(self) -> list[dict]:
        """Indicators for the checkboxes: by domain, then by level within it."""
        chosen = {str(i.pk) for i in self.chosen_indicators()}
        groups: dict = {}
        for index, indicator in enumerate(self.all_indicators):
            group = groups.setdefault(
                indicator.domain_id, {"domain": indicator.domain.name, "levels": {}}
            )
            level = group["levels"].setdefault(
                indicator.level_id, {"level": indicator.level, "options": []}
            )
            level["options"].append(
                {
                    "value": str(indicator.pk),
                    "label": indicator.text,
                    "id": "id_indicators" if index == 0 else f"id_indicators-{index + 1}",
                    "checked": str(indicator.pk) in chosen,
                }
            )
        return [
            {"domain": g["domain"], "levels": list(g["levels"].values()),
             "ticked": sum(o["checked"] for band in g["levels"].values() for o in band["options"])}
            for g in groups.values()
        ]

    def clean(self):
        data = super().clean()
        data["indicators"] = self.chosen_indicators()
        self._drop_unchosen_reveals(data)
        suggested = suggest_level(data["indicators"])
        level = data.get("level")
        reason = (data.get("override_reason") or "").strip()
        if suggested and level and level != suggested and not reason:
            self.add_error(
                "override_reason",
                f"The indicators suggest level {suggested.rank} ({suggested.name}): give the "
                "reason for choosing a different level",
            )
        if data.get("outcome") == TriageOutcome.EARLY_HELP and not data.get("routed_team"):
            self.add_error("routed_team", "Choose the team that will hold the early help episode")
        data["decided_at"] = self._decided_at(data.get("decided_at"), data.get("decided_time"))
        return data

    def _drop_unchosen_reveals(self, data) -> None:
        """What was typed under an outcome not chosen is hidden on the page: neither used nor
        checked, so no error can sit in a closed reveal (a value stays for a change of mind)."""
        outcome = data.get("outcome")
        owned = {TriageOutcome.EARLY_HELP: EARLY_HELP_ONLY, TriageOutcome.STEP_UP: STEP_UP_ONLY}
        for owner, names in owned.items():
            if outcome == owner:
                continue
            for name in names:
                self._errors.pop(name, None)
                data[name] = self.fields[name].initial if name == "episode_reason" else None
        data["safeguarding_override"] = bool(data.get("safeguarding_override"))

    def _decided_at(self, day, time_text):
        """When the decision was made: now, or the day and time given (recorded after the fact)."""
        time_text = (time_text or "").strip()
        if not day and not time_text:
            return None
        day = day or today()
        if not time_text:
            if day == today():
                return None  # today, now
            self.add_error("decided_time", "Enter the time of the decision, for example 14:30")
            return None
        try:
            at = dt.datetime.strptime(time_text, "%H:%M").time()
        except ValueError:
            self.add_error("decided_time", "Enter the time of the decision as hours and minutes, "
                           "for example 14:30")
            return None
        return timezone.make_aware(dt.datetime.combine(day, at))


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the request being withdrawn?",
        widget=forms.Textarea,
        error_messages=required("Enter why the request is being withdrawn"),
    )
