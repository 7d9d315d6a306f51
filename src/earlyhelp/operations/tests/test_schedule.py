import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from earlyhelp.operations.schedule import Schedule, ScheduleError

LONDON = ZoneInfo("Europe/London")


def at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "text, now, expected",
    [
        ("daily at 06:00", at(2026, 6, 4, 5, 59), at(2026, 6, 4, 6, 0)),
        ("daily at 06:00", at(2026, 6, 4, 6, 0), at(2026, 6, 5, 6, 0)),  # strictly after
        ("weekly on monday at 05:00", at(2026, 6, 4, 12, 0), at(2026, 6, 8, 5, 0)),  # a Thursday
        ("weekly on thursday at 05:00", at(2026, 6, 4, 4, 0), at(2026, 6, 4, 5, 0)),
        ("hourly at :20", at(2026, 6, 4, 10, 25), at(2026, 6, 4, 11, 20)),
        ("every 15 minutes", at(2026, 6, 4, 10, 7), at(2026, 6, 4, 10, 15)),
        ("every 15 minutes", at(2026, 6, 4, 23, 50), at(2026, 6, 5, 0, 0)),
        # The clocks go forward on 29 March 2026: 6am is still 6am on the wall.
        ("daily at 06:00", at(2026, 3, 28, 7, 0), at(2026, 3, 29, 6, 0)),
    ],
)
def test_next_run(text, now, expected, settings):
    settings.TIME_ZONE = "Europe/London"
    got = Schedule(text).next_after(now)
    assert got == expected
    assert got.astimezone(LONDON).hour == expected.hour


def test_off_never_runs():
    assert Schedule("off").next_after(at(2026, 6, 4, 1, 0)) is None
    assert Schedule("off").is_off


@pytest.mark.parametrize(
    "text",
    ["daily", "daily at 25:00", "weekly on mon at 05:00", "every 0 minutes", "hourly at :75"],
)
def test_a_schedule_nobody_can_read_is_refused_at_start_up(text):
    with pytest.raises(ScheduleError):
        Schedule(text)
