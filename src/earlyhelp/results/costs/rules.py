"""The business rules of cost avoidance, as plain arithmetic.

A family's *before* window is the N months up to the day before the work started; its *after*
window the N months from the day after the work ended. A period record (a week in care, a night
in temporary accommodation) counts the days it overlaps a window – from its start day up to, not
including, its end day (an open one runs on) – as weeks (days / 7), nights (days) or months
(days × 12 / 365). An event record counts once in the window its date falls in.
"""

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
# Below this many comparison families the net figure is shown with a warning.
SMALL_COMPARISON = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), held to the month's last day."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def windows(start: dt.date, end: dt.date, months: int) -> dict[str, tuple[dt.date, dt.date]]:
    """{"before": (first day, last day), "after": (first day, last day)}, both inclusive."""
    return {
        "before": (add_months(start, -months), start - dt.timedelta(days=1)),
        "after": (end + dt.timedelta(days=1), add_months(end, months)),
    }


def overlap_days(start: dt.date, end: dt.date | None, window: tuple[dt.date, dt.date]) -> int:
    first, last = window
    stop = min(end, last + dt.timedelta(days=1)) if end else last + dt.timedelta(days=1)
    return max((stop - max(start, first)).days, 0)


def units_in(unit: str, start: dt.date, end: dt.date | None,
             window: tuple[dt.date, dt.date]) -> Decimal:
    """How many units of a record fall in a window (0 when none)."""
    if unit == "each":
        return Decimal(1) if window[0] <= start <= window[1] else Decimal(0)
    days = Decimal(overlap_days(start, end, window))
    per = {"week": days / 7, "night": days, "month": days * 12 / 365}[unit]
    return per.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def uprate(value: Decimal, factor_from: Decimal, factor_to: Decimal) -> Decimal:
    """A unit value in the target price year, to the penny."""
    return (value * factor_to / factor_from).quantize(PENNY, rounding=ROUND_HALF_UP)


def pounds(units: Decimal, unit_value: Decimal) -> Decimal:
    return (units * unit_value).quantize(PENNY, rounding=ROUND_HALF_UP)


def matched_dates(pairs: list[tuple[dt.date, dt.date]]) -> tuple[dt.date, dt.date] | None:
    """The comparison group's work dates: the cohort's median start and median end (the lower
    middle one for an even count, so a date that some family really had)."""
    if not pairs:
        return None
    return (statistics.median_low([p[0] for p in pairs]),
            statistics.median_low([p[1] for p in pairs]))


def net_avoided(cohort_avoided: Decimal, cohort_families: int, comparison_avoided: Decimal,
                comparison_families: int) -> Decimal | None:
    """What the cohort avoided beyond what the same number of comparison families avoided
    with no work (their change per family × the cohort's families); None without a group."""
    if not comparison_families or not cohort_families:
        return None
    expected = (comparison_avoided / comparison_families * cohort_families)
    return (cohort_avoided - expected).quantize(PENNY, rounding=ROUND_HALF_UP)
