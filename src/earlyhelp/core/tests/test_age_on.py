"""Whole years of age, at the birthdays that catch arithmetic out."""

import datetime as dt

import pytest

from earlyhelp.core.dates import age_on


@pytest.mark.parametrize(("born", "on", "age"), [
    (dt.date(2008, 2, 29), dt.date(2024, 2, 28), 15),  # the day before, in a leap year
    (dt.date(2008, 2, 29), dt.date(2024, 2, 29), 16),
    (dt.date(2008, 2, 29), dt.date(2025, 2, 28), 16),  # no 29th: a year older on 1 March
    (dt.date(2008, 2, 29), dt.date(2025, 3, 1), 17),
    (dt.date(2010, 6, 15), dt.date(2026, 6, 14), 15),  # the day before the 16th birthday
    (dt.date(2010, 6, 15), dt.date(2026, 6, 15), 16),
    (dt.date(2010, 12, 31), dt.date(2011, 1, 1), 0),
])
def test_age_on_a_day(born, on, age):
    assert age_on(born, on) == age


def test_an_unknown_date_of_birth_has_no_age():
    assert age_on(None, dt.date(2026, 1, 1)) is None
