"""Flow indicators: things that happen in a period, counted or as a rate, with optional parts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, Value, When

from ..periods import Period
from ..registry import (
    Context,
    Part,
    Result,
    Section,
    Spec,
    bucketed,
    by_period,
    in_period,
    percent,
    register,
)
from .bases import ALL_DIMENSIONS, Base


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

