"""Forms for the insights pages: the dashboard's filters and the Annex A export."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from earlyhelp.core import dates
from earlyhelp.core.dates import months_after
from earlyhelp.web.forms.base import GovukDateField, GovukForm

from . import annexa
from .periods import KIND_LABELS, parse
from .registry import NONE_KEY
from .selectors import filter_choices

FILTER_LABELS = {
    "team": "Team",
    "locality": "Locality",
    "level": "Level of need",
    "agency": "Initiating agency type",
}


def month_choices(count: int = 36) -> list[tuple[str, str]]:
    today = dates.today().replace(day=1)
    months = [months_after(today, -i) for i in range(count)]
    return [(m.isoformat(), f"{m:%B %Y}") for m in months]


class DashboardForm(forms.Form):
    """GET filters. Anything unknown falls back to the default, so a shared link never breaks."""

    period = forms.ChoiceField(label="Period", choices=list(KIND_LABELS.items()), required=False)
    date = forms.ChoiceField(label="Ending with the period that includes", required=False)

    def __init__(self, data=None, *, user, default_kind="month", **kwargs):
        # Always bound, with the defaults filled in, so the selects show what is on the page.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("period"):
            data["period"] = default_kind
        if not data.get("date"):
            data["date"] = dates.today().replace(day=1).isoformat()
        super().__init__(data, **kwargs)
        self.default_kind = default_kind
        self.fields["date"].choices = month_choices()
        for name, options in filter_choices(user).items():
            extra = [(NONE_KEY, "Not recorded")] if name != "level" else [(NONE_KEY, "No level")]
            self.fields[name] = forms.ChoiceField(
                label=FILTER_LABELS[name], required=False,
                choices=[("", "All")] + list(options) + extra,
            )

    def period_value(self):
        # parse() checks the values itself: a bad one falls back to the default period.
        return parse(self.data.get("period"), self.data.get("date"),
                     default_kind=self.default_kind)

    def filters(self) -> dict:
        """Raw choices; selectors.clean_filters keeps only those this user could have chosen."""
        return {name: self.data.get(name) for name in FILTER_LABELS if self.data.get(name)}


class AnnexAForm(GovukForm):
    """The inspection date (GOV.UK date input), the layout and the lists."""

    inspection_date = GovukDateField(
        label="Inspection date", name_in_errors="The inspection date",
        error_messages={"required": "Enter the inspection date"},
    )
    layout = forms.ChoiceField(
        label="Layout", choices=list(annexa.LAYOUTS.items()), initial=annexa.LAYOUT_2026,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the layout of the lists",
                        "invalid_choice": "Choose the layout of the lists"},
    )
    lists = forms.MultipleChoiceField(
        label="Lists",
        choices=[("1", "List 1: contacts"), ("2", "List 2: early help assessments")],
        initial=["1", "2"], widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one list",
                        "invalid_choice": "Choose at least one list"},
    )
