"""Reporting periods: months, financial quarters and financial years (April to March).

Councils and their boards report by financial year, so a quarter is April–June, July–September,
October–December or January–March, and a year runs from 1 April.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from earlyhelp.core import dates
from earlyhelp.core.dates import months_after

KINDS = {"month": 1, "quarter": 3, "year": 12}
KIND_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Financial year"}
# How many periods a trend shows: a year of months, a year of quarters, three years.
TREND_LENGTH = {"month": 12, "quarter": 4, "year": 3}


@dataclass(frozen=True)
class Period:
    """A month, quarter or financial year, or a stretch of one. Its labels are worked out once
    (cached_property writes the instance's __dict__, which a frozen dataclass allows): the
    dashboard asks each trend period's labels several hundred times a page."""
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def months(self) -> int:
        return KINDS[self.kind]

    @functools.cached_property
    def is_whole(self) -> bool:
        """False for a stretch of a period (its first weeks, compared like with like)."""
        return period_containing(self.kind, self.start).end == self.end

    @functools.cached_property
    def label(self) -> str:
        """GOV.UK style: 'April 2026', 'April to June 2026', '2026 to 2027'; a stretch of a
        period: '1 July to 15 August 2026'."""
        if not self.is_whole:
            start = f"{self.start.day} {self.start:%B}" + (
                f" {self.start.year}" if self.start.year != self.end.year else "")
            return f"{start} to {self.end.day} {self.end:%B %Y}"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start.year} to {self.end.year}"

    @functools.cached_property
    def short_label(self) -> str:
        if not self.is_whole:
            return f"{self.start.day} {self.start:%b}–{self.end.day} {self.end:%b %y}"
        if self.kind == "month":
            return f"{self.start:%b %Y}"
        if self.kind == "quarter":
            return f"{self.start:%b}–{self.end:%b %y}"
        return f"{self.start.year}–{self.end:%y}"

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def as_at(self, today: dt.date | None = None) -> dt.date:
        """The day a snapshot (e.g. open episodes) is taken: the period's end, or today."""
        today = today or dates.today()
        return min(self.end, today)

    def is_partial(self, today: dt.date | None = None) -> bool:
        today = today or dates.today()
        return self.start <= today < self.end

    def share_elapsed(self, today: dt.date | None = None) -> Decimal:
        """The part of the period that has happened, in days (1 once it has ended): a count's
        target for a period in progress is this share of the whole period's target."""
        today = today or dates.today()
        if not self.is_partial(today):
            return Decimal(1)
        days = (self.end - self.start).days + 1
        return Decimal((today - self.start).days + 1) / Decimal(days)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        return period_containing(self.kind, months_after(self.start, -self.months))

    def comparison(self, today: dt.date | None = None) -> Period:
        """What this period is compared with: the previous period – or, while this one is in
        progress, the same stretch of the previous one (1 July to 15 August against 1 October to
        15 November), never part of a period against a whole one."""
        previous = self.previous()
        today = today or dates.today()
        if not self.is_partial(today):
            return previous
        elapsed_to = months_after(today, -self.months)  # the same day one period back (clamped)
        return Period(self.kind, previous.start, min(previous.end, elapsed_to))

    def next(self) -> Period:
        return period_containing(self.kind, months_after(self.start, self.months))

    # Aware datetimes bounding the period in local time, for datetime columns.
    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        next_day = self.end + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))


def period_containing(kind: str, day: dt.date) -> Period:
    if kind not in KINDS:
        raise ValueError(f"Unknown period '{kind}': choose month, quarter or year.")
    if kind == "month":
        start = day.replace(day=1)
    else:
        # Months since April; quarters and years both start from April.
        offset = (day.month - 4) % 12
        span = KINDS[kind]
        start_month_offset = offset - offset % span
        start = months_after(day.replace(day=1), -(offset - start_month_offset))
        if kind == "year":
            start = dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    end_month = months_after(start, KINDS[kind] - 1)
    end = end_month.replace(day=calendar.monthrange(end_month.year, end_month.month)[1])
    return Period(kind, start, end)


def trend(period: Period, length: int | None = None) -> list[Period]:
    """The periods of a trend ending with `period`, oldest first."""
    length = length or TREND_LENGTH[period.kind]
    periods = [period]
    while len(periods) < length:
        periods.insert(0, periods[0].previous())
    return periods


def parse(kind: str | None, day: str | None, *, default_kind: str = "month",
          today: dt.date | None = None) -> Period:
    """The period a request asks for (?period=quarter&date=2026-05-01); bad input → the default."""
    today = today or dates.today()
    kind = kind if kind in KINDS else default_kind
    try:
        when = dt.date.fromisoformat(day) if day else today
    except ValueError:
        when = today
    return period_containing(kind, min(when, today))
