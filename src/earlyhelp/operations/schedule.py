"""When a periodic job runs: a few plain-English schedules, in the council's time zone.

"every 15 minutes"            at :00, :15, :30, :45
"hourly at :20"               every hour at twenty past
"daily at 06:00"              every day at 6am (Europe/London, so it follows the clocks)
"weekly on monday at 05:30"   every Monday at 5:30am
"off"                         never (a council can switch a job off in settings)
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_EVERY = re.compile(r"every (\d+) minutes?")
_HOURLY = re.compile(r"hourly at :(\d\d)")
_DAILY = re.compile(r"daily at (\d\d):(\d\d)")
_WEEKLY = re.compile(r"weekly on (\w+) at (\d\d):(\d\d)")


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    text: str

    def __post_init__(self):
        self.next_after(timezone.now())  # refuse a schedule nobody can read, at start-up

    @property
    def is_off(self) -> bool:
        return self.text.strip().lower() == "off"

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first time strictly after `moment` this schedule fires (None when off)."""
        text = self.text.strip().lower()
        if text == "off":
            return None
        local = timezone.localtime(moment).replace(second=0, microsecond=0)
        if m := _EVERY.fullmatch(text):
            step = int(m[1])
            if not 1 <= step <= 1440:
                raise ScheduleError(f"{self.text!r}: every 1 to 1440 minutes")
            midnight = local.replace(hour=0, minute=0)
            minutes = (local - midnight).total_seconds() // 60
            return _aware(
                midnight.replace(tzinfo=None) + dt.timedelta(minutes=(minutes // step + 1) * step)
            )
        if m := _HOURLY.fullmatch(text):
            candidate = local.replace(minute=_minute(m[1]))
            if candidate <= local:
                candidate += dt.timedelta(hours=1)
            return _aware(candidate.replace(tzinfo=None))
        if m := _DAILY.fullmatch(text):
            return _next_day_at(local, _time(m[1], m[2]), lambda day: True)
        if m := _WEEKLY.fullmatch(text):
            if m[1] not in DAYS:
                raise ScheduleError(f"{self.text!r}: say the day in full, e.g. monday")
            weekday = DAYS.index(m[1])
            return _next_day_at(local, _time(m[2], m[3]), lambda day: day.weekday() == weekday)
        raise ScheduleError(
            f"{self.text!r} is not a schedule: use 'every N minutes', 'hourly at :MM', "
            "'daily at HH:MM', 'weekly on DAY at HH:MM' or 'off'"
        )


def _minute(text: str) -> int:
    if not 0 <= int(text) <= 59:
        raise ScheduleError(f"no minute {text}")
    return int(text)


def _time(hour: str, minute: str) -> dt.time:
    if not 0 <= int(hour) <= 23:
        raise ScheduleError(f"no hour {hour}")
    return dt.time(int(hour), _minute(minute))


def _next_day_at(local: dt.datetime, at: dt.time, fits) -> dt.datetime:
    day = local.date()
    for _ in range(8):
        candidate = _aware(dt.datetime.combine(day, at))
        if candidate > local and fits(day):
            return candidate
        day += dt.timedelta(days=1)
    raise ScheduleError("no day fits")  # unreachable: a week always holds the day


def _aware(naive: dt.datetime) -> dt.datetime:
    # Wall-clock time in the council's zone; a time the clocks skip lands an hour later.
    return timezone.make_aware(naive, timezone.get_current_timezone())
