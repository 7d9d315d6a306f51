"""The registry of indicator computations, keyed by the definition's code.

A computation is a small function that answers, with aggregate queries (GROUP BY and conditional
counts in the database, never a Python loop over rows), the value of one indicator for a list of
periods – or, for a breakdown, for one period split by team, locality, level or agency. It also
names the records behind each figure, so every number can link to its list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .periods import Period


@dataclass
class Part:
    """One slice shown with an indicator (e.g. closures by outcome)."""

    key: str
    label: str
    value: float | None
    share: float | None = None  # percentage of the whole, where that means something
    group: str = ""  # parts in one group add up to the whole
    unit: str = "count"  # count, percent, or "value" (the indicator's own unit)


@dataclass
class Result:
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    parts: list[Part] = field(default_factory=list)
    note: str = ""


@dataclass
class Scope:
    """Whose figures: the whole borough, or the teams of one council service (a manager's)."""

    team_ids: list | None = None  # None: the whole borough
    service_id: Any = None
    label: str = "The whole borough"

    @property
    def is_borough(self) -> bool:
        return self.team_ids is None

    def team_q(self, *paths: str) -> Q:
        """Records held by the scope's teams, through any of the given paths to a team. The team
        ids are listed (a service has a handful), so no query joins the team table."""
        if self.is_borough:
            return Q()
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{path}_id__in": self.team_ids})
        return condition


@dataclass
class Context:
    scope: Scope
    filters: dict[str, str] = field(default_factory=dict)  # dimension -> value
    parameters: dict = field(default_factory=dict)  # the definition's local settings


@dataclass
class Section:
    """A list of records behind a figure: the model kind tells the page how to show rows."""

    kind: str  # assessment, contact, decision, episode, review, need, transition
    title: str
    queryset: QuerySet
    # Name of a boolean annotation saying whether the record counts in the numerator.
    meets: str = ""


@dataclass
class Spec:
    code: str
    unit: str
    compute: Callable[..., dict]  # (ctx, periods, by=None) -> {group: {period_key: Result}}
    records: Callable[..., list[Section]]  # (ctx, period, part=None) -> [Section]
    dimensions: tuple[str, ...] = ()


REGISTRY: dict[str, Spec] = {}

NONE_KEY = "__none__"  # a breakdown group for records with no team, locality, level or agency


def register(spec: Spec) -> Spec:
    if spec.code in REGISTRY:
        raise ValueError(f"Indicator '{spec.code}' is registered twice.")
    REGISTRY[spec.code] = spec
    return spec


def dimension_filter(paths: dict[str, str], filters: dict[str, str]) -> Q:
    """Where-clause for the dashboard's filters, through this model's paths to each dimension."""
    condition = Q()
    for name, value in filters.items():
        path = paths.get(name)
        if path is None or value in (None, ""):
            continue
        if value == NONE_KEY:
            condition &= Q(**{f"{path}__isnull": True})
        else:
            condition &= Q(**{path: value})
    return condition


def unsupported_filters(spec: Spec, filters: dict[str, str]) -> list[str]:
    return [name for name, value in filters.items() if value and name not in spec.dimensions]


def grouped_aggregate(queryset: QuerySet, aggregates: dict, by: str | None) -> dict[Any, dict]:
    """Run one aggregate query; with `by`, one GROUP BY query. {group: {name: value}}."""
    if not aggregates:
        return {}
    if by is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.order_by().values(by).annotate(**aggregates)
    return {row[by] if row[by] is not None else NONE_KEY: row for row in rows}


def periods_q(periods: list[Period], field_name: str, *, datetime: bool = False) -> Q:
    """Records falling in any of the periods (so the query reads only the trend's span)."""
    first, last = periods[0], periods[-1]
    if datetime:
        return Q(**{f"{field_name}__gte": first.start_at, f"{field_name}__lt": last.end_before})
    return Q(**{f"{field_name}__gte": first.start, f"{field_name}__lte": last.end})


def in_period(period: Period, field_name: str, *, datetime: bool = False) -> Q:
    if datetime:
        return Q(**{f"{field_name}__gte": period.start_at, f"{field_name}__lt": period.end_before})
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def percent(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return 100.0 * (numerator or 0) / denominator


def period_bucket(periods: list[Period], field_name: str, *, datetime: bool = False) -> Case:
    """Which of the periods a record's date falls in (0, 1, …), as a column."""
    return Case(
        *[When(in_period(p, field_name, datetime=datetime), then=Value(i))
          for i, p in enumerate(periods)],
        default=Value(-1), output_field=IntegerField(),
    )


def bucketed(queryset: QuerySet, periods: list[Period], field_name: str, aggregates: dict,
             by: str | None = None, *, datetime: bool = False) -> dict[Any, dict[int, dict]]:
    """One GROUP BY query over (period, [dimension]): {group: {period index: aggregates}}.

    Compiles each aggregate once, however many periods: the query stays small to build and the
    database does the counting."""
    qs = queryset.filter(periods_q(periods, field_name, datetime=datetime)).annotate(
        _bucket=period_bucket(periods, field_name, datetime=datetime)
    )
    keys = ["_bucket", by] if by else ["_bucket"]
    out: dict[Any, dict[int, dict]] = defaultdict(dict)
    if by is None:
        out[None] = {}
    for row in qs.order_by().values(*keys).annotate(**aggregates):
        group = None if by is None else (row[by] if row[by] is not None else NONE_KEY)
        out[group][row["_bucket"]] = row
    return out


def by_period(grouped: dict, periods: list[Period], make) -> dict:
    """{group: {period_key: Result}} from bucketed rows, via make(row, index, is_current); a
    period with no rows gets an empty row (counts of zero)."""
    last = len(periods) - 1
    return {
        group: {p.key: make(rows.get(i, {}), i, i == last) for i, p in enumerate(periods)}
        for group, rows in grouped.items()
    }
