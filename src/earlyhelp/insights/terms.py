"""The words the indicators count by, each defined once and shown on the indicator's page.

A definition lives next to the rule that applies it (re-referral in `frontdoor.rules`, a current
intervention in `annexa`, the timeliness rules in `computations.timeliness`); this module only says
which indicator uses which, and fills in the council's own settings (a timescale, the months).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from earlyhelp.cases.models import Timescales
from earlyhelp.frontdoor.rules import RE_REFERRAL, triage_clock

from . import annexa, timescales
from .computations import caseload, initiation, timeliness


@dataclass(frozen=True)
class Term:
    name: str
    text: str


def _re_referral(parameters) -> Term:
    text = RE_REFERRAL.format(months=settings.EARLYHELP_RE_REFERRAL_MONTHS)
    text = text.removeprefix("Re-referral: ")
    return Term("Re-referral", text[:1].upper() + text[1:])


def _open(parameters) -> Term:
    return Term("Open on a day", caseload.OPEN_ON_A_DAY)


def _current_intervention(parameters) -> Term:
    return Term("Current early help intervention", annexa.CURRENT_INTERVENTION)


def _assessment_on_time(parameters) -> Term:
    days = int(parameters.get("days", timeliness.ASSESSMENT_DAYS))
    return Term("Assessment on time", timeliness.ASSESSMENT_ON_TIME.format(days=days))


def _reviews_on_time(parameters) -> Term:
    return Term("Review on time", timeliness.REVIEW_ON_TIME.format(
        first_days=int(parameters.get("first_review_days", timeliness.FIRST_REVIEW_DAYS))))


def _triage_timescale(parameters) -> Term:
    day_start, day_end = settings.EARLYHELP_WORKING_DAY
    clock = initiation.TRIAGE_CLOCK_WORDS[triage_clock()].format(
        day_start=day_start, day_end=day_end
    )
    return Term("Triage timescale", initiation.TRIAGE_TIMESCALE.format(
        clock=clock, **Timescales.current().triage_hours()))


def _decision_to_start(parameters) -> Term:
    return Term("Time from decision to start", initiation.DECISION_TO_START)


TERMS_BY_INDICATOR = {
    "re_referral_rate": [_re_referral],
    "step_ups_after_closure": [_re_referral],
    "open_episodes": [_open],
    "open_duration_average": [_open],
    "open_duration_median": [_open],
    "assessments_on_time": [_assessment_on_time],
    "reviews_on_time": [_reviews_on_time],
    "triage_timeliness": [_triage_timescale],
    "decision_to_start": [_decision_to_start],
}
ANNEX_A_TERMS = [_current_intervention]


def for_indicator(definition) -> list[Term]:
    parameters = timescales.parameters(definition)
    return [make(parameters) for make in TERMS_BY_INDICATOR.get(definition.code, [])]


def for_annex_a() -> list[Term]:
    return [make({}) for make in ANNEX_A_TERMS]
