"""Initiation indicators: assessments started, contacts, triage decisions and their timeliness,
step-downs, and the wait from a front door decision to the start of early help.
"""

from __future__ import annotations

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate

from earlyhelp.cases.models import RouteIn
from earlyhelp.core.models import OrganisationType
from earlyhelp.frontdoor.models import Rag, TriageOutcome

from ..dbfuncs import DaysBetween
from ..models import Unit
from ..registry import Result, Section, Spec, bucketed, by_period, in_period, register
from .bases import ALL_DIMENSIONS, ASSESSMENTS, CONTACTS, DECISIONS, EPISODES
from .flow import PartSpec, flow_indicator

AGENCY_PARTS = (
    PartSpec("council", "Council teams", Q(completing_organisation__is_council=True), "council"),
    PartSpec(
        "partner", "Partner agencies (non-council)",
        Q(completing_organisation__is_council=False), "council",
    ),
    *(
        PartSpec(f"type_{value}", label, Q(completing_organisation__type=value), "agency")
        for value, label in OrganisationType.choices
    ),
)

flow_indicator(
    code="new_assessments", unit=Unit.COUNT, base=ASSESSMENTS, date_field="started_on",
    parts=AGENCY_PARTS, kind="assessment", title="Early help assessments started",
)

flow_indicator(
    code="partner_assessments", unit=Unit.PERCENT, base=ASSESSMENTS, date_field="started_on",
    numerator=Q(completing_organisation__is_council=False), kind="assessment",
    title="Early help assessments started (partner-led ones count)",
)

SOURCE_GROUPS = (
    ("individual", "Individuals (family, acquaintance, self, other)", ["1A", "1B", "1C", "1D"]),
    ("education", "Schools and education services", ["2A", "2B"]),
    ("health", "Health services (GP, health visitor, school nurse, A&E, other)",
     ["3A", "3B", "3C", "3D", "3E", "3F"]),
    ("housing", "Housing", ["4"]),
    ("la", "Local authority services", ["5A", "5B", "5C", "5D"]),
    ("police", "Police", ["6"]),
    ("legal", "Other legal agency", ["7"]),
    ("other", "Other, including children's centres and the voluntary sector", ["8"]),
    ("unknown", "Anonymous or unknown", ["9", "10"]),
)

flow_indicator(
    code="contacts", unit=Unit.COUNT, base=CONTACTS, date_field="received_at", is_datetime=True,
    parts=tuple(PartSpec(key, label, Q(source__in=codes), "source")
                for key, label, codes in SOURCE_GROUPS),
    kind="contact", title="Contacts received",
)

flow_indicator(
    code="triage_decisions", unit=Unit.COUNT, base=DECISIONS, date_field="decided_at",
    is_datetime=True,
    parts=tuple(PartSpec(value, label, Q(outcome=value), "outcome")
                for value, label in TriageOutcome.choices),
    kind="decision", title="Triage decisions",
)


TRIAGE_TIMESCALE = (
    "A triage decision is on time when it is made within the hours allowed for the request's "
    "RAG rating – red {red}, amber {amber}, green {green} – counted {clock} from the time the "
    "request was received to the time of the decision. The rating is the screening priority set "
    "when the request arrived, or else the decision's own. The moment each decision was due is "
    "kept with it, so a later change to the timescales does not rewrite past performance."
)
TRIAGE_CLOCK_WORDS = {
    "elapsed": "as elapsed clock hours (nights, weekends and bank holidays count)",
    "working": "in working hours ({day_start} to {day_end}, Monday to Friday; bank holidays in "
               "England and the council's closure days do not count)",
}


def _effective_rag(value: str) -> Q:
    """The RAG the clock runs on: the screening priority set on arrival, else the decision's."""
    return Q(contact__priority=value) | Q(contact__priority="", rag=value)


def _triage_in_time(parameters: dict) -> Q:
    """On time against the due moment recorded with the decision (frontdoor.rules.decision_due:
    the one place the timescales and the clock are applied)."""
    return Q(decided_at__lte=F("due_at"))


flow_indicator(
    code="triage_timeliness", unit=Unit.PERCENT, base=DECISIONS, date_field="decided_at",
    is_datetime=True, numerator_from_parameters=_triage_in_time,
    parts=tuple(
        PartSpec(value, label, _effective_rag(value), "rag") for value, label in Rag.choices
    ),
    parts_rate=True, kind="decision", title="Triage decisions (within the timescale count)",
)

flow_indicator(
    code="step_down_share", unit=Unit.PERCENT, base=EPISODES, date_field="start_date",
    numerator=Q(route_in=RouteIn.STEP_DOWN),
    parts=tuple(PartSpec(value, label, Q(route_in=value), "route")
                for value, label in RouteIn.choices),
    kind="episode", title="Early help episodes started (stepped-down ones count)",
)


DECISION_TO_START = (
    "For each early help episode opened by a front door decision: the whole days from the day "
    "of the decision (in local time) to the day the episode started – 0 when it started the "
    "same day. The figure for a period is the average over episodes that started in it."
)


def _decision_to_start_spec():
    """Early help episodes started in the period from a front door decision: the average number
    of days from the day of the decision to the day the episode started (0: the same day)."""

    def base_qs(ctx, condition):
        return (
            EPISODES.queryset(ctx)
            .filter(condition, contact__decision__isnull=False)
            .annotate(wait_days=DaysBetween(TruncDate("contact__decision__decided_at"),
                                            F("start_date")))
        )

    def compute(ctx, periods, by=None):
        grouped = bucketed(base_qs(ctx, Q()), periods, "start_date",
                           {"v": Avg("wait_days"), "n": Count("pk")}, EPISODES.group_path(by))

        def make(row, i, is_current):
            value = row.get("v")
            return Result(value=float(value) if value is not None else None,
                          denominator=row.get("n", 0))

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        qs = base_qs(ctx, in_period(period, "start_date"))
        return [Section("episode", "Episodes started after a front door decision",
                        qs.order_by("-start_date"))]

    register(Spec("decision_to_start", Unit.DAYS, compute, records, ALL_DIMENSIONS))


_decision_to_start_spec()

