"""Reads for the dashboard, breakdowns, drill-down lists and the board report – scoped to the user.

Whose figures: a manager sees their council service's (every team in it); an analyst or an
administrator sees the whole borough. The records behind a figure are scoped again with
`access.scoping` for a manager (named records they may open), and shown pseudonymised – Child Unique
ID and reference only – to analysts and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from earlyhelp.access import policy
from earlyhelp.access import scoping as access
from earlyhelp.core import dates
from earlyhelp.core.models import Locality, OrganisationType, Role, Team
from earlyhelp.frontdoor.models import ContactPerson

from . import rules, snapshots, timescales
from .computations.bases import LEVEL_BANDS
from .models import Breakdown, IndicatorDefinition
from .periods import Period, trend
from .registry import NONE_KEY, REGISTRY, Context, Result, Scope, Section, unsupported_filters

DIMENSION_LABELS = dict(Breakdown.choices)


def require_dashboard(user) -> None:
    if not policy.can(user, policy.Action.SEE_DASHBOARDS):
        raise PermissionDenied("Only managers, analysts and administrators can see performance.")


def scope_for(user) -> Scope:
    require_dashboard(user)
    if user.role == Role.MANAGER:
        if user.team_id and user.team.service_id:
            service = user.team.service
            teams = list(Team.objects.filter(service=service).values_list("id", flat=True))
            return Scope(team_ids=teams, service_id=service.pk, label=service.name)
        if user.team_id:
            return Scope(team_ids=[user.team_id], label=user.team.name)
        # A manager with no team has no service to report on.
        return Scope(team_ids=[], label="No team")
    return Scope()


def active_definitions(codes=None) -> list[IndicatorDefinition]:
    qs = IndicatorDefinition.objects.filter(is_active=True, code__in=list(REGISTRY))
    if codes is not None:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("order", "name"))


def get_definition(code: str) -> IndicatorDefinition:
    from django.http import Http404

    definition = IndicatorDefinition.objects.filter(code=code, is_active=True).first()
    if definition is None or code not in REGISTRY:
        raise Http404("No such indicator")
    return definition


def context_for(user, definition, filters) -> Context:
    return Context(scope=scope_for(user), filters=clean_filters(user, filters),
                   parameters=timescales.parameters(definition))


@dataclass
class Row:
    """One indicator on the dashboard: the current period's figure, its target and its trend."""

    definition: IndicatorDefinition
    period: Period
    result: Result | None
    trend: list[tuple[Period, Result | None]] = field(default_factory=list)
    previous: Result | None = None
    comparison: Period | None = None  # what `previous` covers: see Period.comparison()
    # The stretch of `period` the figure covers (its start to today, while it is in progress).
    to_date: Period | None = None
    rag: str | None = None
    movement: str | None = None
    target: object = None
    red_threshold: object = None
    unavailable: str = ""  # why there is no figure (e.g. not broken down by that filter)
    as_of: object = None  # when the figures were read, if from the day's snapshot

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def value(self):
        return self.result.value if self.result else None


def dashboard(*, user, period: Period, filters: dict | None = None, codes=None,
              with_trend: bool = True, today=None) -> list[Row]:
    """Every active indicator for the period, with its trend: the day's materialised snapshot
    when there is one for exactly this (snapshots.py), else one or two queries each (one more
    while the period is in progress, for the same stretch of the previous period)."""
    scope = scope_for(user)
    filters = clean_filters(user, filters or {})
    if not filters and codes is None and with_trend and today is None:
        day = dates.today()
        snapshot = snapshots.lookup(scope, period, day)
        if snapshot is not None:  # today's, or yesterday's before the job has run: as of its day
            return dashboard_for_scope(scope, period, today=snapshot.as_of, snapshot=snapshot)
    return dashboard_for_scope(scope, period, filters=filters, codes=codes,
                               with_trend=with_trend, today=today)


def dashboard_for_scope(scope: Scope, period: Period, *, filters: dict | None = None, codes=None,
                        with_trend: bool = True, today=None, snapshot=None) -> list[Row]:
    """The dashboard's rows for a scope (no user: the nightly job calls it for each scope). With
    a snapshot, each indicator it holds is read from it – unless the indicator's parameters
    changed since – and any other is computed live."""
    filters = filters or {}
    periods = trend(period) if with_trend else [period.previous(), period]
    comparison = period.comparison(today)
    share = period.share_elapsed(today)  # a count's target to date, while the period runs
    stored = snapshot.figures if snapshot is not None else {}
    rows = []
    for definition in active_definitions(codes):
        spec = REGISTRY[definition.code]
        target, red = rules.target_for_period(definition, period.months, share)
        row = Row(definition=definition, period=period, result=None, target=target,
                  red_threshold=red, comparison=comparison,
                  to_date=period if comparison.is_whole else Period(
                      period.kind, period.start, min(period.end, today or dates.today())))
        missing = unsupported_filters(spec, filters)
        if missing:
            names = ", ".join(DIMENSION_LABELS[m].lower() for m in missing)
            row.unavailable = f"Not available by {names}"
            rows.append(row)
            continue
        parameters = timescales.parameters(definition)
        figures = stored.get(definition.code)
        if figures is not None and figures["parameters"] == parameters:
            by_period = {key: snapshots.decode(result) for key, result in figures["trend"]}
            row.previous = snapshots.decode(figures["previous"])
            row.as_of = snapshot.computed_at
        else:
            ctx = Context(scope=scope, filters=filters, parameters=parameters)
            by_period = spec.compute(ctx, periods).get(None, {})
            if comparison.is_whole:
                row.previous = by_period.get(comparison.key)
            else:  # a period in progress: the same stretch of the previous one, like with like
                row.previous = spec.compute(ctx, [comparison]).get(None, {}).get(comparison.key)
        row.trend = [(p, by_period.get(p.key)) for p in periods]
        row.result = by_period.get(period.key)
        row.rag = rules.rag_status(definition, row.value, period.months, share)
        row.movement = rules.movement(
            definition, row.value, row.previous.value if row.previous else None
        )
        rows.append(row)
    return rows


@dataclass
class BreakdownRow:
    key: str
    label: str
    result: Result | None
    rag: str | None


def breakdown(*, user, definition, period: Period, by: str, filters=None) -> list[BreakdownRow]:
    """The indicator for one period split by team, locality, level or agency: one GROUP BY."""
    spec = REGISTRY[definition.code]
    if by not in spec.dimensions or by not in (definition.breakdowns or []):
        return []
    ctx = context_for(user, definition, filters or {})
    groups = spec.compute(ctx, [period], by=by)
    labels = dimension_labels(by, list(groups))
    out = [
        BreakdownRow(
            key=str(key), label=labels.get(key, str(key)), result=values.get(period.key),
            rag=rules.rag_status(definition, values.get(period.key).value
                                 if values.get(period.key) else None, period.months,
                                 period.share_elapsed()),
        )
        for key, values in groups.items()
    ]
    return sorted(out, key=lambda r: (r.key == NONE_KEY, r.label.lower()))


def dimension_labels(by: str, keys) -> dict:
    keys = [k for k in keys if k != NONE_KEY]
    labels = {NONE_KEY: "Not recorded"}
    if by == "team":
        labels.update({t.pk: t.name for t in Team.objects.filter(pk__in=keys)})
    elif by == "locality":
        labels.update({loc.pk: loc.name for loc in Locality.objects.filter(pk__in=keys)})
    elif by == "level":
        labels.update(dict(LEVEL_BANDS))
    elif by == "agency":
        labels.update(dict(OrganisationType.choices))
        labels[NONE_KEY] = "No organisation (individual or not recorded)"
    return labels


def filter_choices(user) -> dict[str, list[tuple[str, str]]]:
    """What the dashboard can be filtered by; a manager chooses among their service's teams.
    Kept on the user object for the rest of the request (the form and the filters both ask)."""
    cached = getattr(user, "_insights_filter_choices", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    teams = Team.objects.all()
    if not scope.is_borough:
        teams = teams.filter(pk__in=scope.team_ids)
    choices = {
        "team": [(str(t.pk), t.name) for t in teams.order_by("name")],
        "locality": [(str(loc.pk), loc.name) for loc in Locality.objects.order_by("name")],
        "level": list(LEVEL_BANDS),
        "agency": list(OrganisationType.choices),
    }
    user._insights_filter_choices = choices
    return choices


def clean_filters(user, raw: dict) -> dict[str, str]:
    """Keep only filters with a value the user could have chosen (a guessed team id is dropped)."""
    choices = filter_choices(user)
    clean = {}
    for name, options in choices.items():
        value = (raw.get(name) or "").strip()
        if value and (value == NONE_KEY or value in {key for key, _ in options}):
            clean[name] = value
    return clean


# --- The records behind a figure -------------------------------------------------------------

def _visible(user, section: Section) -> QuerySet:
    """A manager's list holds only records access.scoping lets them open."""
    qs = section.queryset
    if user.role != Role.MANAGER:
        return qs
    family_ids = access.visible_family_ids(user)
    contacts = access.visible_contacts(user).values("pk")
    where = {
        "assessment": {"episode__family_id__in": family_ids},
        "episode": {"family_id__in": family_ids},
        "review": {"episode__family_id__in": family_ids},
        "need": {"assessment__episode__family_id__in": family_ids},
        "transition": {"family_id__in": family_ids},
        "contact": {"pk__in": contacts},
        "decision": {"contact_id__in": contacts},
    }[section.kind]
    return qs.filter(**where)


def _with_people(section: Section, qs: QuerySet) -> QuerySet:
    """Fetch what each kind of row shows, in a fixed handful of queries."""
    subjects = Prefetch(
        "contact_people",
        queryset=ContactPerson.objects.filter(is_subject=True).select_related("person"),
        to_attr="subjects",
    )
    if section.kind == "assessment":
        return qs.select_related("episode__family", "episode__team", "completing_organisation") \
            .prefetch_related("episode__focus_children")
    if section.kind == "episode":
        return qs.select_related("family", "team", "level").prefetch_related("focus_children")
    if section.kind == "review":
        return qs.select_related("episode__family", "episode__team") \
            .prefetch_related("episode__focus_children")
    if section.kind == "need":
        return qs.select_related("assessment__episode__family", "assessment__episode__team",
                                 "theme", "person")
    if section.kind == "transition":
        return qs.select_related("family", "episode__team") \
            .prefetch_related("episode__focus_children")
    if section.kind == "contact":
        return qs.select_related("family", "decision").prefetch_related(subjects)
    if section.kind == "decision":
        return qs.select_related("contact__family", "routed_team") \
            .prefetch_related(Prefetch("contact__contact_people",
                                       queryset=subjects.queryset, to_attr="subjects"))
    return qs


@dataclass
class RecordList:
    section: Section
    total: int  # records behind the figure in the user's scope
    visible: QuerySet  # the ones this user may see listed (a manager's access.scoping scope)
    named: bool


def records(*, user, definition, period: Period, filters=None, part: str | None = None
            ) -> list[RecordList]:
    spec = REGISTRY[definition.code]
    ctx = context_for(user, definition, filters or {})
    named = rules.sees_named_records(user)
    out = []
    for section in spec.records(ctx, period, part):
        visible = _with_people(section, _visible(user, section))
        out.append(RecordList(section=section, total=section.queryset.count(), visible=visible,
                              named=named))
    return out
