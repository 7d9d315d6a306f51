"""LocalDate: TruncDate (a datetime's date in the current time zone) that on SQLite calls into
Python only for the times of day whose local date may not be their UTC date.

Django's SQLite TruncDate is a Python function per row (parse the text, convert the zone): on
the family timeline, a household's every request, decision and case note – a quarter of the
timeline query's time (issue 19). A stored time's local date is its UTC date whenever adding
any offset the zone has had cannot cross midnight: for Europe/London (GMT or BST) every time
before 23:00 UTC. Those rows take the date's text as stored; the rest, and times outside the
years whose offsets were looked up, still go through Django's function.
"""

import datetime as dt
import functools
import zoneinfo

from django.db.models.functions import TruncDate

# The years whose offsets are looked up (a UTC time inside them, as stored text)
_FROM, _UNTIL = dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_DAY, _ONE_DAY = 86400, dt.timedelta(days=1)


class LocalDate(TruncDate):
    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection)
        tzname = self.get_tzname()
        # Stored as naive UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]") only with USE_TZ and no
        # database TIME_ZONE: otherwise Django's function alone knows the stored zone.
        if not tzname or connection.timezone_name != "UTC":
            return sql, params
        window = same_day_times(tzname)
        if window is None:
            return sql, params
        value, value_params = compiler.compile(self.lhs)
        if value_params:  # a column, not an expression with parameters: keep it simple
            return sql, params
        first, last = window
        # The bounds are written into the SQL, not bound: fixed texts of digits (made here),
        # and core.prepared refuses dates as parameters kept with compiled SQL.
        time = f"substr({value}, 12, 8)"
        return (
            f"CASE WHEN {value} >= '{_text(_FROM)}' AND {value} < '{_text(_UNTIL)}' AND "
            f"{time} >= '{first}' AND {time} < '{last}' THEN substr({value}, 1, 10) "
            f"ELSE {sql} END",
            params,
        )


@functools.cache
def same_day_times(tzname: str) -> tuple[str, str] | None:
    """('HH:MM:SS', 'HH:MM:SS'): the UTC times of day from the first (inclusive) to the second
    (exclusive) that have the same date in `tzname` as in UTC, under every offset the zone had
    at noon of any day of the years looked up (None: no time of day is safe)."""
    try:
        zone = zoneinfo.ZoneInfo(tzname)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None
    # At each day's noon on the zone's own clock (a naive time: no conversion made: 5 ms)
    offsets, day, until = set(), dt.datetime(_FROM.year, 1, 1, 12), _UNTIL.replace(tzinfo=None)
    while day < until:
        offsets.add(zone.utcoffset(day))
        day += _ONE_DAY
    offsets = {int(offset.total_seconds()) for offset in offsets}
    first, last = max(0, -min(offsets)), _DAY - max(0, max(offsets))
    if first >= last:
        return None
    return _time(first), _time(last)


def _time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
