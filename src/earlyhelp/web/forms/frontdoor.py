"""Forms for the front door: triage decisions."""

from django import forms

from earlyhelp.core.codes import EpisodeReason
from earlyhelp.core.models import Team
from earlyhelp.frontdoor.models import Rag, TriageOutcome
from earlyhelp.thresholds.models import Indicator
from earlyhelp.thresholds.rules import suggest_level

from .base import GovukForm, required

RAG_HINTS = {
    "red": "Decide within 4 hours",
    "amber": "Decide within 24 hours",
    "green": "Decide within 72 hours",
}


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
        self.fields["rag"].option_hints = RAG_HINTS

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
            {"domain": g["domain"], "levels": list(g["levels"].values())} for g in groups.values()
        ]

    def clean(self):
        data = super().clean()
        data["indicators"] = self.chosen_indicators()
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
        return data


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the request being withdrawn?",
        widget=forms.Textarea,
        error_messages=required("Enter why the request is being withdrawn"),
    )
