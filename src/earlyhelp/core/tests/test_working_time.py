"""Bank holidays in England and working hours, against the published lists (gov.uk)."""

import datetime as dt

import pytest
from django.utils import timezone

from earlyhelp.core.working_time import add_working_hours, easter_sunday, england_bank_holidays

D = dt.date

PUBLISHED = {
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25),
           D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31),
           D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2),
           D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)],
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8),
           D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27),
           D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)],
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25),
           D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year):
    assert list(england_bank_holidays(year)) == PUBLISHED[year]


def test_substitute_days_are_named_and_boxing_day_on_a_monday_keeps_its_day():
    days = england_bank_holidays(2022)
    assert days[D(2022, 12, 26)] == "Boxing Day"
    assert days[D(2022, 12, 27)] == "Christmas Day (substitute day)"
    assert days[D(2022, 1, 3)] == "New Year's Day (substitute day)"


@pytest.mark.parametrize("year, day", [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)),
                                       (2038, D(2038, 4, 25)), (2008, D(2008, 3, 23))])
def test_easter(year, day):
    assert easter_sunday(year) == day


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.mark.parametrize(
    "start, hours, due",
    [
        (at(2026, 3, 10, 10, 0), 4, at(2026, 3, 10, 14, 0)),  # inside one working day
        (at(2026, 3, 13, 16, 0), 4, at(2026, 3, 16, 12, 0)),  # Friday 16:00 → Monday 12:00
        (at(2026, 3, 14, 11, 0), 4, at(2026, 3, 16, 13, 0)),  # Saturday: the clock starts Monday
        (at(2026, 3, 10, 17, 30), 4, at(2026, 3, 11, 13, 0)),  # after hours: from 09:00 next day
        (at(2026, 3, 10, 7, 0), 8, at(2026, 3, 10, 17, 0)),  # before hours: the whole day, exactly
        (at(2026, 3, 10, 17, 0), 0, at(2026, 3, 11, 9, 0)),  # due at once, but nobody is in
        # Thursday 24 Dec 2026 16:00, 24 hours: 1 on Thursday; Christmas Day (Friday), the weekend
        # and the Boxing Day substitute (Monday 28th) do not count; 8 + 8 on 29th and 30th; 7 on
        # the 31st.
        (at(2026, 12, 24, 16, 0), 24, at(2026, 12, 31, 16, 0)),
        # Across the clocks going forward (Sunday 29 March 2026): local hours, not UTC ones.
        (at(2026, 3, 27, 15, 0), 4, at(2026, 3, 30, 11, 0)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (at(2026, 4, 2, 13, 0), 8, at(2026, 4, 7, 13, 0)),
    ],
)
def test_add_working_hours(start, hours, due):
    assert add_working_hours(start, hours) == due


def test_a_councils_own_closure_days_do_not_count(settings):
    settings.EARLYHELP_CLOSED_DAYS = ["2026-03-16"]
    assert add_working_hours(at(2026, 3, 13, 16, 0), 4) == at(2026, 3, 17, 12, 0)


def test_a_working_day_that_ends_before_it_starts_is_refused(settings):
    settings.EARLYHELP_WORKING_DAY = ("17:00", "09:00")
    with pytest.raises(ValueError, match="start before it ends"):
        add_working_hours(at(2026, 3, 10, 10, 0), 1)
