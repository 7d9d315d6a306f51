"""One small function per indicator: aggregate queries over the casework, for many periods at once.

Each indicator's figures for a whole trend come from one query (a conditional count or average per
period) – or two, when an indicator also shows its parts. Breakdowns add the dimension to the
GROUP BY. Nothing loops over rows in Python.

Definitions are written out in each function's docstring and in docs/insights.md; the shipped
definition rows (migration 0002) carry the same words for people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from earlyhelp.assessments.models import Assessment, PresentingNeed
from earlyhelp.cases.models import (
    ClosureOutcome,
    Episode,
    EpisodeStatus,
    RouteIn,
    Transition,
    TransitionKind,
)
from earlyhelp.core.models import OrganisationType
from earlyhelp.frontdoor.models import Contact, Rag, TriageDecision, TriageOutcome
from earlyhelp.people.models import Membership
from earlyhelp.plans.models import Plan, ProgressScore, Review

from .dbfuncs import AddDays, AddMonths, DaysBetween, Median
from .models import Unit
from .periods import Period
from .registry import (
    Context,
    Part,
    Result,
    Section,
    Spec,
    bucketed,
    by_period,
    dimension_filter,
    grouped_aggregate,
    in_period,
    percent,
    register,
)

LEVEL_BANDS = [
    ("universal", "Universal"),
    ("early_help", "Early help"),
    ("targeted", "Targeted"),
    ("statutory", "Statutory"),
]


@dataclass(frozen=True)
class Base:
    """A model the indicators count, with its paths to the scope's teams and to each dimension."""

    model: type
    scope_paths: tuple[str, ...]
    paths: dict

    def queryset(self, ctx: Context) -> QuerySet:
        return (
            self.model.objects.filter(ctx.scope.team_q(*self.scope_paths))
            .filter(dimension_filter(self.paths, ctx.filters))
        )

    def group_path(self, by: str | None) -> str | None:
        return None if by is None else self.paths[by]


ASSESSMENTS = Base(
    Assessment,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "episode__family__locality_id",
        "level": "episode__level__band",
        "agency": "completing_organisation__type",
    },
)
EPISODES = Base(
    Episode,
    ("team",),
    {
        "team": "team_id",
        "locality": "family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
CONTACTS = Base(
    Contact,
    # A contact belongs to a service through the team it was routed to, or the front door team
    # that decided or recorded it.
    ("decision__routed_team", "decision__decided_by__team", "created_by__team"),
    {
        "team": "decision__routed_team_id",
        "locality": "family__locality_id",
        "level": "decision__level__band",
        "agency": "referrer_organisation__type",
    },
)
DECISIONS = Base(
    TriageDecision,
    ("routed_team", "decided_by__team", "contact__created_by__team"),
    {
        "team": "routed_team_id",
        "locality": "contact__family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
REVIEWS = Base(
    Review,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "episode__family__locality_id",
        "level": "episode__level__band",
        "agency": "episode__contact__referrer_organisation__type",
    },
)
NEEDS = Base(
    PresentingNeed,
    ("assessment__episode__team",),
    {name: f"assessment__{path}" for name, path in ASSESSMENTS.paths.items()},
)
STEP_UP_DECISIONS = Base(
    TriageDecision,
    ("contact__re_referral_of__team", "decided_by__team"),
    {
        "team": "contact__re_referral_of__team_id",
        "locality": "contact__family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
STEP_UP_TRANSITIONS = Base(
    Transition,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "family__locality_id",
        "level": "episode__level__band",
        "agency": "episode__contact__referrer_organisation__type",
    },
)
ALL_DIMENSIONS = ("team", "locality", "level", "agency")


def _build(rows: dict, periods: list[Period], make) -> dict:
    """{group: {period_key: Result}} from aggregate rows, via make(row, index, is_current)."""
    out = {}
    last = len(periods) - 1
    for group, row in rows.items():
        out[group] = {p.key: make(row, i, i == last) for i, p in enumerate(periods)}
    return out


def _rate(row, i, is_current) -> Result:
    num, total = row.get("num", 0), row.get("total", 0)
    return Result(percent(num, total), num, total)


# --- flow indicators: things that happen in a period ---------------------------------------


@dataclass(frozen=True)
class PartSpec:
    key: str
    label: str
    condition: Q
    group: str = ""


def flow_indicator(
    *, code: str, unit: str, base: Base, date_field: str, is_datetime: bool = False,
    numerator: Q | None = None, parts: tuple[PartSpec, ...] = (), parts_rate: bool = False,
    where: Q | None = None, kind: str, title: str, dimensions=ALL_DIMENSIONS,
    numerator_from_parameters=None,
) -> Spec:
    """A count (unit 'count') or a rate (unit 'percent') of records dated in each period.

    With `parts`, the current period is also split: each part's count and share of the whole,
    or (parts_rate) each part's own rate.
    """

    where = where if where is not None else Q()

    def numerator_q(ctx: Context) -> Q | None:
        if numerator_from_parameters is not None:
            return numerator_from_parameters(ctx.parameters)
        return numerator

    def compute(ctx: Context, periods: list[Period], by: str | None = None) -> dict:
        num_q = numerator_q(ctx)
        aggregates = {"total": Count("pk")}
        if num_q is not None:
            aggregates["num"] = Count("pk", filter=num_q)
        for part in parts:
            aggregates[f"part_{part.key}"] = Count("pk", filter=part.condition)
            if parts_rate and num_q is not None:
                aggregates[f"partnum_{part.key}"] = Count("pk", filter=part.condition & num_q)
        grouped = bucketed(base.queryset(ctx).filter(where), periods, date_field, aggregates,
                           base.group_path(by), datetime=is_datetime)

        def make(row, i, is_current):
            total = row.get("total", 0)
            if num_q is None:
                result = Result(value=total, numerator=total, denominator=None)
            else:
                num = row.get("num", 0)
                result = Result(value=percent(num, total), numerator=num, denominator=total)
            if is_current:
                for part in parts:
                    count = row.get(f"part_{part.key}", 0)
                    if parts_rate and num_q is not None:
                        value = percent(row.get(f"partnum_{part.key}", 0), count)
                        result.parts.append(
                            Part(part.key, part.label, value, None, part.group, "percent")
                        )
                    else:
                        result.parts.append(
                            Part(part.key, part.label, count, percent(count, total), part.group)
                        )
            return result

        return by_period(grouped, periods, make)

    def records(ctx: Context, period: Period, part: str | None = None) -> list[Section]:
        num_q = numerator_q(ctx)
        qs = base.queryset(ctx).filter(where).filter(
            in_period(period, date_field, datetime=is_datetime)
        )
        for p in parts:
            if p.key == part:
                qs = qs.filter(p.condition)
        meets = ""
        if num_q is not None:
            qs = qs.annotate(
                meets=Case(When(num_q, then=Value(True)), default=Value(False),
                           output_field=BooleanField())
            )
            meets = "meets"
        return [Section(kind, title, qs.order_by(f"-{date_field}"), meets)]

    return register(
        Spec(code=code, unit=unit, compute=compute, records=records, dimensions=dimensions)
    )


# --- Initiation ------------------------------------------------------------------------------

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


# --- Progress: timeliness --------------------------------------------------------------------


ASSESSMENT_DAYS = 45
ASSESSMENT_ON_TIME = (
    "An assessment is on time when it is completed within {days} days of the day it started, "
    "counting from the start date to the completion date (started 1 March and completed "
    "15 April is 45 days). Each assessment counts in the period in which it was completed."
)


def _assessments_on_time_spec():
    """Assessments completed in the period within the local timescale (parameter `days`)."""

    def base_qs(ctx, periods_condition):
        return (
            ASSESSMENTS.queryset(ctx)
            .filter(status="completed")
            .filter(periods_condition)
            .annotate(on_time_days=DaysBetween(F("started_on"), F("completed_on")))
        )

    def compute(ctx, periods, by=None):
        days = int(ctx.parameters.get("days", ASSESSMENT_DAYS))
        aggregates = {"total": Count("pk"), "num": Count("pk", filter=Q(on_time_days__lte=days))}
        grouped = bucketed(base_qs(ctx, Q()), periods, "completed_on", aggregates,
                           ASSESSMENTS.group_path(by))
        return by_period(grouped, periods, _rate)

    def records(ctx, period, part=None):
        days = int(ctx.parameters.get("days", ASSESSMENT_DAYS))
        qs = base_qs(ctx, in_period(period, "completed_on")).annotate(
            meets=Case(When(on_time_days__lte=days, then=Value(True)), default=Value(False),
                       output_field=BooleanField())
        )
        return [Section("assessment", "Assessments completed", qs.order_by("-completed_on"),
                        "meets")]

    register(Spec("assessments_on_time", Unit.PERCENT, compute, records, ALL_DIMENSIONS))


_assessments_on_time_spec()


FIRST_REVIEW_DAYS = 84
REVIEW_ON_TIME = (
    "A review is on time when it is held by the day it fell due. The first review falls due "
    "{first_days} days after the episode's first plan started, and is on time when a review is "
    "held between the plan's start and that day (both included); each later review falls due on "
    "the 'next review' date the review before it set, and is on time when the next review is "
    "held after that review and by that date. A review counts in the period in which it fell "
    "due, once that day has passed, while the episode was still open on it."
)


def _reviews_on_time_spec():
    """Reviews due in the period and whether each was held on time – the first review (due a
    set number of days after the first plan started) and every later one (due on the date the
    review before set). REVIEW_ON_TIME says it in words."""

    def later_qs(ctx, due_condition):
        today = timezone.localdate()
        held_in_time = Review.objects.filter(
            episode=OuterRef("episode"),
            held_on__gt=OuterRef("held_on"),
            held_on__lte=OuterRef("next_review_due"),
        )
        return (
            REVIEWS.queryset(ctx)
            .filter(due_condition, next_review_due__isnull=False, next_review_due__lt=today)
            .filter(Q(episode__end_date__isnull=True)
                    | Q(episode__end_date__gt=F("next_review_due")))
            .annotate(on_time=Exists(held_in_time))
        )

    def first_qs(ctx, due_condition):
        today = timezone.localdate()
        days = int(ctx.parameters.get("first_review_days", FIRST_REVIEW_DAYS))
        first_plan = Plan.objects.filter(episode=OuterRef("pk")).order_by("started_on") \
            .values("started_on")[:1]
        held_in_time = Review.objects.filter(
            episode=OuterRef("pk"), held_on__gte=OuterRef("first_plan"),
            held_on__lte=OuterRef("first_review_due"),
        )
        return (
            EPISODES.queryset(ctx)
            .annotate(first_plan=Subquery(first_plan))
            .annotate(first_review_due=AddDays(F("first_plan"), days))
            .filter(first_plan__isnull=False, first_review_due__lt=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=F("first_review_due")))
            .filter(due_condition)
            .annotate(on_time=Exists(held_in_time))
        )

    def compute(ctx, periods, by=None):
        aggregates = {"total": Count("pk"), "num": Count("pk", filter=Q(on_time=True))}
        later = bucketed(later_qs(ctx, Q()), periods, "next_review_due", aggregates,
                         REVIEWS.group_path(by))
        first = bucketed(first_qs(ctx, Q()), periods, "first_review_due", aggregates,
                         EPISODES.group_path(by))
        combined = {}
        for group in set(later) | set(first):
            combined[group] = {}
            for i in range(len(periods)):
                a, b = later.get(group, {}).get(i, {}), first.get(group, {}).get(i, {})
                combined[group][i] = {
                    "total": a.get("total", 0) + b.get("total", 0),
                    "num": a.get("num", 0) + b.get("num", 0),
                }
        return by_period(combined, periods, _rate)

    def records(ctx, period, part=None):
        later = later_qs(ctx, in_period(period, "next_review_due")).annotate(meets=F("on_time"))
        first = first_qs(ctx, in_period(period, "first_review_due")).annotate(
            meets=F("on_time"))
        return [
            Section("episode", "First reviews due (after the first plan started)",
                    first.order_by("-first_review_due"), "meets"),
            Section("review", "Later reviews due (by the date the previous review set)",
                    later.order_by("-next_review_due"), "meets"),
        ]

    register(Spec("reviews_on_time", Unit.PERCENT, compute, records, ALL_DIMENSIONS))


_reviews_on_time_spec()


# --- Progress: the open caseload at the end of the period ------------------------------------


OPEN_ON_A_DAY = (
    "An episode is open on a day when it started on or before that day and had not closed by "
    "it: an episode closed on a day is not open on that day. Figures for a period are taken on "
    "its last day, or today while it is in progress."
)


def open_on(day: dt.date) -> Q:
    """Episodes open on a day: started by then, not ended by then (ending that day closes it)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


LEVEL_PARTS = (
    *(PartSpec(band, label, Q(level__band=band), "level") for band, label in LEVEL_BANDS),
    PartSpec("none", "No level recorded", Q(level__isnull=True), "level"),
)


def _open_caseload_spec(code: str, unit: str, measure: str):
    """Open episodes as at the period's end (or today): their number, average or median age."""

    def aggregate_for(day, condition):
        if measure == "count":
            return Count("pk", filter=condition)
        days = DaysBetween(F("start_date"), Value(day))
        if measure == "avg":
            return Avg(days, filter=condition)
        return Median(days, filter=condition)

    def compute(ctx, periods, by=None):
        today = timezone.localdate()
        first_as_at = periods[0].as_at(today)
        last_as_at = periods[-1].as_at(today)
        qs = EPISODES.queryset(ctx).filter(start_date__lte=last_as_at).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=first_as_at)
        )
        aggregates = {}
        for i, period in enumerate(periods):
            day = period.as_at(today)
            aggregates[f"v_{i}"] = aggregate_for(day, open_on(day))
        current_day = periods[-1].as_at(today)
        for part in LEVEL_PARTS:
            aggregates[f"part_{part.key}"] = aggregate_for(
                current_day, open_on(current_day) & part.condition
            )
        if measure == "count":
            aggregates["sum_parts"] = Count("pk", filter=open_on(current_day))
        rows = grouped_aggregate(qs, aggregates, EPISODES.group_path(by))

        def make(row, i, is_current):
            value = row[f"v_{i}"]
            value = float(value) if value is not None else (0 if measure == "count" else None)
            result = Result(value=value)
            if is_current:
                for part in LEVEL_PARTS:
                    v = row[f"part_{part.key}"]
                    share = percent(v, row["sum_parts"]) if measure == "count" else None
                    result.parts.append(Part(
                        part.key, part.label, float(v) if v is not None else None, share,
                        part.group, "count" if measure == "count" else "value",
                    ))
            return result

        return _build(rows, periods, make)

    def records(ctx, period, part=None):
        day = period.as_at()
        qs = EPISODES.queryset(ctx).filter(open_on(day)).annotate(
            days_open=DaysBetween(F("start_date"), Value(day))
        )
        for p in LEVEL_PARTS:
            if p.key == part:
                qs = qs.filter(p.condition)
        return [Section("episode", f"Episodes open on {day.day} {day:%B %Y}",
                        qs.order_by("start_date"))]

    return register(Spec(code, unit, compute, records, ALL_DIMENSIONS))


_open_caseload_spec("open_episodes", Unit.COUNT, "count")
_open_caseload_spec("open_duration_average", Unit.DAYS, "avg")
_open_caseload_spec("open_duration_median", Unit.DAYS, "median")


# --- Outcomes --------------------------------------------------------------------------------

OTHER_OUTCOMES = [ClosureOutcome.DISENGAGED, ClosureOutcome.MOVED_AWAY, ClosureOutcome.OTHER]
CLOSURE_PARTS = (
    PartSpec("needs_met", "Needs met", Q(closure_outcome=ClosureOutcome.NEEDS_MET), "outcome"),
    PartSpec("stepped_up", "Stepped up to children's social care",
             Q(closure_outcome=ClosureOutcome.STEPPED_UP), "outcome"),
    PartSpec("other", "Other (disengaged, moved away, other)",
             Q(closure_outcome__in=OTHER_OUTCOMES), "outcome"),
    *(PartSpec(f"outcome_{value}", label, Q(closure_outcome=value), "detail")
      for value, label in ClosureOutcome.choices if value in OTHER_OUTCOMES),
)

flow_indicator(
    code="closures", unit=Unit.COUNT, base=EPISODES, date_field="end_date",
    where=Q(status=EpisodeStatus.CLOSED), parts=CLOSURE_PARTS, kind="episode",
    title="Early help episodes closed",
)

flow_indicator(
    code="needs_met_rate", unit=Unit.PERCENT, base=EPISODES, date_field="end_date",
    where=Q(status=EpisodeStatus.CLOSED), numerator=Q(closure_outcome=ClosureOutcome.NEEDS_MET),
    kind="episode", title="Early help episodes closed (needs met count)",
)

flow_indicator(
    code="re_referral_rate", unit=Unit.PERCENT, base=CONTACTS, date_field="received_at",
    is_datetime=True, numerator=Q(is_re_referral=True), kind="contact",
    title="Contacts received (re-referrals count)",
)


def _step_ups_spec():
    """Step-ups to children's social care in the period that came within 12 months of an early
    help closure (a closure that was not itself a step-up): through the front door (a re-referral
    triaged as a step-up), or from a new early help episode stepped up."""

    def decisions(ctx):
        return STEP_UP_DECISIONS.queryset(ctx).filter(
            outcome=TriageOutcome.STEP_UP, contact__re_referral_of__isnull=False,
        ).exclude(contact__re_referral_of__closure_outcome=ClosureOutcome.STEPPED_UP)

    def transitions(ctx):
        # An early help closure of the same household, or of any household that shares a member
        # with it (a child living in two households keeps their history). Written as two EXISTS
        # that each follow an index: household → its members → their households → episodes.
        # The re-referral definition (frontdoor.rules.RE_REFERRAL): closed on or after the same
        # day twelve calendar months before.
        months = settings.EARLYHELP_RE_REFERRAL_MONTHS

        def closed_within_a_year(**where):
            return Episode.objects.filter(
                status=EpisodeStatus.CLOSED, end_date__lte=OuterRef("date"),
                end_date__gte=AddMonths(OuterRef("date"), -months), **where,
            ).exclude(closure_outcome=ClosureOutcome.STEPPED_UP).exclude(pk=OuterRef("episode"))

        # Three levels down (transition → episode → households → members): three OuterRefs.
        members = Membership.objects.filter(
            family=OuterRef(OuterRef(OuterRef("family")))
        ).values("person")
        linked = Membership.objects.filter(person__in=members).values("family")
        return STEP_UP_TRANSITIONS.queryset(ctx).filter(kind=TransitionKind.STEP_UP).filter(
            Exists(closed_within_a_year(family=OuterRef("family")))
            | Exists(closed_within_a_year(family__in=linked))
        )

    def compute(ctx, periods, by=None):
        front_door = bucketed(decisions(ctx), periods, "decided_at", {"n": Count("pk")},
                              STEP_UP_DECISIONS.group_path(by), datetime=True)
        episodes = bucketed(transitions(ctx), periods, "date", {"n": Count("pk")},
                            STEP_UP_TRANSITIONS.group_path(by))
        out = {}
        last = len(periods) - 1
        for group in set(front_door) | set(episodes):
            out[group] = {}
            for i, period in enumerate(periods):
                at_door = front_door.get(group, {}).get(i, {}).get("n", 0)
                from_episode = episodes.get(group, {}).get(i, {}).get("n", 0)
                total = at_door + from_episode
                result = Result(value=total, numerator=total)
                if i == last:
                    result.parts = [
                        Part("front_door", "Through the front door", at_door,
                             percent(at_door, total), "route"),
                        Part("episode", "From a new early help episode", from_episode,
                             percent(from_episode, total), "route"),
                    ]
                out[group][period.key] = result
        return out

    def records(ctx, period, part=None):
        sections = []
        if part in (None, "front_door"):
            sections.append(Section(
                "decision", "Stepped up at the front door",
                decisions(ctx).filter(in_period(period, "decided_at", datetime=True))
                .order_by("-decided_at"),
            ))
        if part in (None, "episode"):
            sections.append(Section(
                "transition", "Stepped up from an early help episode",
                transitions(ctx).filter(in_period(period, "date")).order_by("-date"),
            ))
        return sections

    register(Spec("step_ups_after_closure", Unit.COUNT, compute, records, ALL_DIMENSIONS))


_step_ups_spec()


def _need_prevalence_spec():
    """Assessments started in the period that recorded at least one presenting need; its parts
    are each need theme's prevalence: the share of those assessments recording it."""

    def compute(ctx, periods, by=None):
        qs = NEEDS.queryset(ctx)
        grouped = bucketed(qs, periods, "assessment__started_on",
                           {"total": Count("assessment", distinct=True)}, NEEDS.group_path(by))
        current = periods[-1]
        parts_rows = {}
        if by is None:
            parts_rows = {
                (row["theme__code"], row["theme__name"]): row["n"]
                for row in qs.filter(in_period(current, "assessment__started_on"))
                .order_by().values("theme__code", "theme__name", "theme__order")
                .annotate(n=Count("assessment", distinct=True))
                .order_by("theme__order", "theme__name")
            }

        def make(row, i, is_current):
            total = row.get("total", 0)
            result = Result(value=total, numerator=total)
            if is_current:
                result.parts = [
                    Part(code, name, n, percent(n, total), "theme")
                    for (code, name), n in parts_rows.items()
                ]
            return result

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        needs = NEEDS.queryset(ctx).filter(in_period(period, "assessment__started_on"))
        if part:
            needs = needs.filter(theme__code=part)
        qs = Assessment.objects.filter(pk__in=needs.values("assessment_id"))
        return [Section("assessment", "Assessments recording the need" if part
                        else "Assessments recording presenting needs",
                        qs.order_by("-started_on"))]

    register(Spec("need_prevalence", Unit.COUNT, compute, records, ALL_DIMENSIONS))


_need_prevalence_spec()


def _progress_change_spec():
    """For episodes closed in the period: the average change in each presenting need's score,
    from its baseline at assessment to the last score given at a review (needs never scored at a
    review are left out). Parts: the same per need theme."""

    def base_qs(ctx, closed_condition):
        last_score = (
            ProgressScore.objects.filter(need=OuterRef("pk"))
            .order_by("-review__held_on", "-review__created_at", "-pk")
            .values("score")[:1]
        )
        return (
            NEEDS.queryset(ctx)
            .filter(assessment__episode__status=EpisodeStatus.CLOSED)
            .filter(closed_condition)
            .annotate(final_score=Subquery(last_score))
            .annotate(change=F("final_score") - F("baseline_score"))
        )

    def compute(ctx, periods, by=None):
        field_name = "assessment__episode__end_date"
        qs = base_qs(ctx, Q())
        # Needs never scored have no change: AVG and COUNT of it leave them out, so the score
        # subquery runs once per need (a WHERE on it would run it twice).
        grouped = bucketed(qs, periods, field_name, {"v": Avg("change"), "n": Count("change")},
                           NEEDS.group_path(by))
        parts_rows = []
        if by is None:
            parts_rows = list(
                qs.filter(in_period(periods[-1], field_name)).order_by()
                .values("theme__code", "theme__name", "theme__order")
                .annotate(v=Avg("change"), n=Count("change"))
                .filter(n__gt=0)
                .order_by("theme__order", "theme__name")
            )

        def make(row, i, is_current):
            value = row.get("v")
            result = Result(value=float(value) if value is not None else None,
                            denominator=row.get("n", 0))
            if is_current:
                result.parts = [
                    Part(r["theme__code"], r["theme__name"], float(r["v"]), None, "theme",
                         "value")
                    for r in parts_rows
                ]
            return result

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        qs = base_qs(ctx, in_period(period, "assessment__episode__end_date")).filter(
            final_score__isnull=False
        )
        if part:
            qs = qs.filter(theme__code=part)
        return [Section("need", "Presenting needs in episodes closed",
                        qs.order_by("-assessment__episode__end_date"))]

    register(Spec("progress_change", Unit.POINTS, compute, records, ALL_DIMENSIONS))


_progress_change_spec()
