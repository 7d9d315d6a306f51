"""Database functions the indicators need that Django does not give portably.

Each one runs inside the database on both SQLite and PostgreSQL, so an indicator stays one
aggregate query: whole days between two dates, a date plus whole months (clamped to the month's
end, as `core.dates.months_after` does), and the median.

SQLite has no median and no month arithmetic with clamping: `register_sqlite_functions` adds them
to every new SQLite connection (see `apps.py`).
"""

import datetime as dt
import math

from django.db.models import Aggregate, DateField, FloatField, Func, IntegerField

from earlyhelp.core.dates import months_after


class DaysBetween(Func):
    """Whole days from `start` to `end` (end − start), both dates."""

    output_field = IntegerField()

    def __init__(self, start, end, **extra):
        # Stored as (end, start) so both templates read "end − start".
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date − date is a whole number of days in PostgreSQL.
        return self.as_sql(
            compiler, connection, template="((%(expressions)s)::date)",
            arg_joiner=")::date - (", **extra,
        )


class AddMonths(Func):
    """A date plus `months` whole months; 31 January + 1 month = 28 (or 29) February."""

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=f"EH_ADD_MONTHS(%(expressions)s, {self.months})",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection,
            template=f"((%(expressions)s)::date + make_interval(months => {self.months}))::date",
            **extra,
        )


class AddDays(Func):
    """A date plus whole days."""

    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template=f"date(%(expressions)s, '{self.days:+d} days')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template=f"((%(expressions)s)::date + {self.days})", **extra)


class Median(Aggregate):
    """The median (the mean of the two middle values when the count is even); NULLs ignored."""

    function = "EH_MEDIAN"
    name = "Median"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        # Set on a copy (not passed in) so Aggregate can wrap it in FILTER (WHERE …).
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return clone.as_sql(compiler, connection, **extra)


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        middle = len(values) // 2
        if len(values) % 2:
            return float(values[middle])
        return (values[middle - 1] + values[middle]) / 2


def _sqlite_add_months(value, months):
    if value is None or months is None:
        return None
    day = dt.date.fromisoformat(str(value)[:10])
    return months_after(day, int(months)).isoformat()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Django's connection_created receiver: add our functions to each new SQLite connection."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("EH_ADD_MONTHS", 2, _sqlite_add_months, deterministic=True)
    raw.create_aggregate("EH_MEDIAN", 1, _SqliteMedian)


def rounded(value, places: int = 1):
    """Round half up (not banker's rounding) for figures shown to people."""
    if value is None:
        return None
    factor = 10**places
    return math.floor(float(value) * factor + 0.5) / factor
