"""The open caseload at the end of the period: how many episodes, and for how long."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, F, Q, Value

from earlyhelp.core import dates

from ..dbfuncs import DaysBetween, Median
from ..models import Unit
from ..registry import Part, Result, Section, Spec, grouped_aggregate, percent, register
from .bases import ALL_DIMENSIONS, EPISODES, LEVEL_BANDS, build_results
from .flow import PartSpec

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
        today = dates.today()
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

        return build_results(rows, periods, make)

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

