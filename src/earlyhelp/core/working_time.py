"""Working time: bank holidays in England and the clock a council's front door may run on.

A council can count its triage timescales in elapsed hours (nights, weekends and bank holidays
count – the default) or in working hours (Monday to Friday within the working day, bank holidays
and the council's own closure days excluded). The bank holidays are computed from the rules that
set them (the Banking and Financial Dealings Act 1971 and the royal proclamations moving or adding
days), so no yearly list has to be kept up to date; the one-off days are listed below.
"""

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

# Days proclaimed once: (date, name). Moved days are handled in `_moved` below.
ONE_OFF_HOLIDAYS = {
    dt.date(1999, 12, 31): "Millennium celebrations",
    dt.date(2002, 6, 3): "Golden Jubilee",
    dt.date(2011, 4, 29): "Royal wedding",
    dt.date(2012, 6, 5): "Diamond Jubilee",
    dt.date(2022, 6, 3): "Platinum Jubilee",
    dt.date(2022, 9, 19): "State funeral of Queen Elizabeth II",
    dt.date(2023, 5, 8): "Coronation of King Charles III",
}
# Regular holidays proclaimed onto another day in a given year.
_MOVED = {
    (1995, "Early May bank holiday"): dt.date(1995, 5, 8),
    (2020, "Early May bank holiday"): dt.date(2020, 5, 8),
    (2002, "Spring bank holiday"): dt.date(2002, 6, 4),
    (2012, "Spring bank holiday"): dt.date(2012, 6, 4),
    (2022, "Spring bank holiday"): dt.date(2022, 6, 2),
}
MONDAY, SATURDAY, SUNDAY = 0, 5, 6


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous algorithm published in Nature, 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 90) // 25
    p = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 33 * n + 19) % 32
    return dt.date(year, n, p)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - MONDAY) % 7)


def _next_weekday(day: dt.date, taken: set[dt.date]) -> dt.date:
    """The substitute day: the next weekday not already a holiday."""
    while day.weekday() in (SATURDAY, SUNDAY) or day in taken:
        day += dt.timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def england_bank_holidays(year: int) -> dict[dt.date, str]:
    """The bank holidays in England (and Wales) in `year`, date → name."""
    easter = easter_sunday(year)
    regular = {
        "Good Friday": easter - dt.timedelta(days=2),
        "Easter Monday": easter + dt.timedelta(days=1),
        "Early May bank holiday": _first_monday(year, 5),
        "Spring bank holiday": _last_monday(year, 5),
        "Summer bank holiday": _last_monday(year, 8),
    }
    days = {_MOVED.get((year, name), day): name for name, day in regular.items()}
    days.update({day: name for day, name in ONE_OFF_HOLIDAYS.items() if day.year == year})
    # New Year's Day, Christmas Day and Boxing Day move to the next free weekday when they fall
    # at a weekend (Christmas on a Saturday: Monday 27th and Tuesday 28th).
    # Those on a weekday keep their day first, so Boxing Day on a Monday stays and Christmas
    # Day on the Sunday before takes the Tuesday.
    fixed = (
        ("New Year's Day", dt.date(year, 1, 1)),
        ("Christmas Day", dt.date(year, 12, 25)),
        ("Boxing Day", dt.date(year, 12, 26)),
    )
    weekend = []
    for name, day in fixed:
        if day.weekday() in (SATURDAY, SUNDAY):
            weekend.append((name, day))
        else:
            days[day] = name
    for name, day in weekend:
        days[_next_weekday(day, set(days))] = f"{name} (substitute day)"
    return dict(sorted(days.items()))


def _closed_days() -> set[dt.date]:
    return {dt.date.fromisoformat(str(day)) for day in settings.EARLYHELP_CLOSED_DAYS}


def is_working_day(day: dt.date, closed: set[dt.date] | None = None) -> bool:
    if day.weekday() in (SATURDAY, SUNDAY) or day in england_bank_holidays(day.year):
        return False
    return day not in (_closed_days() if closed is None else closed)


def _working_day() -> tuple[dt.time, dt.time]:
    start, end = (dt.time.fromisoformat(t) for t in settings.EARLYHELP_WORKING_DAY)
    if not start < end:
        raise ValueError("EARLYHELP_WORKING_DAY must start before it ends")
    return start, end


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` of working time after `start` (an aware datetime).

    Time before the working day starts, after it ends, at weekends, on bank holidays and on the
    council's closure days does not count: a request received at 16:00 on a Friday with a
    4-hour timescale is due at 12:00 on Monday (10:00 Tuesday after a bank holiday Monday)."""
    opens, closes = _working_day()
    closed = _closed_days()
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start, tz)
    left = dt.timedelta(hours=hours)
    while True:
        day = moment.date()
        day_open = timezone.make_aware(dt.datetime.combine(day, opens), tz)
        day_close = timezone.make_aware(dt.datetime.combine(day, closes), tz)
        if is_working_day(day, closed) and moment < day_close:
            moment = max(moment, day_open)
            if moment + left <= day_close:
                return moment + left
            left -= day_close - moment
        moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), opens), tz)
