"""How figures are written for people: '1,234', '61.2%', '312 days', '+1.8 points'."""

from __future__ import annotations

from decimal import Decimal

from .dbfuncs import rounded
from .models import Unit


def number(value, places: int = 1) -> str:
    value = rounded(value, places)
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{places}f}"


def figure(unit: str, value, *, signed: bool = False) -> str:
    """The figure with its unit; an em dash when there is nothing to count."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        value = float(value)
    if unit == Unit.PERCENT:
        return f"{number(value)}%"
    if unit == Unit.DAYS:
        days = number(value, 0)
        return f"{days} day" if days == "1" else f"{days} days"
    if unit == Unit.POINTS:
        text = number(value)
        if signed and value > 0:
            text = f"+{text}"
        return f"{text} points" if text not in ("1", "+1", "-1") else f"{text} point"
    return number(value, 0)


def chart_limits(unit: str) -> dict:
    """A trend chart's value axis: counts, days and rates start from zero, so a small change does
    not look like a big one; percentages run to 100; points (a change either way) are free."""
    if unit == Unit.PERCENT:
        return {"y_min": 0, "y_max": 100}
    return {} if unit == Unit.POINTS else {"y_min": 0}


def axis_label(unit: str, value) -> str:
    """A tick on a trend chart's value axis: ticks may fall between whole numbers (2.5, 7.5), so
    a count's tick is shown as it is."""
    if unit != Unit.COUNT:
        return figure(unit, value)
    return "–" if value is None else number(value)


def plain(unit: str, value) -> float | int | None:
    """For CSV and XLSX: a bare number, rounded as shown."""
    if value is None:
        return None
    value = rounded(value, 0 if unit in (Unit.COUNT, Unit.DAYS) else 1)
    return int(value) if float(value).is_integer() else value


def change(unit: str, current, previous) -> str:
    """'up 9 percentage points', 'down 12 days', 'no change'."""
    if current is None or previous is None:
        return ""
    diff = float(current) - float(previous)
    if abs(diff) < 1e-9:
        return "no change"
    word = "up" if diff > 0 else "down"
    size = abs(diff)
    if unit == Unit.PERCENT:
        amount = number(size)
        return f"{word} {amount} percentage point" + ("" if amount == "1" else "s")
    return f"{word} {figure(unit, size)}"
