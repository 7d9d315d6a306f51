"""LocalDate gives TruncDate's date (the current time zone's) for every stored time – on SQLite
mostly without Django's Python function: around midnight, across the clock changes, outside
the years whose offsets it looked up, and in zones east and west of UTC."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models.functions import TruncDate
from django.utils import timezone

from earlyhelp.worklists.localdate import LocalDate, same_day_times

pytestmark = pytest.mark.django_db

UTC = dt.UTC


DAYS = [dt.datetime(2024, 3, 30, tzinfo=UTC), dt.datetime(2024, 10, 26, tzinfo=UTC),
        dt.datetime(2025, 6, 30, tzinfo=UTC), dt.datetime(2025, 12, 31, tzinfo=UTC)]  # fmt: skip
EDGES = [dt.datetime(1969, 12, 31, 23, 30, tzinfo=UTC), dt.datetime(2100, 6, 1, 23, 30, tzinfo=UTC),
         dt.datetime(2024, 7, 1, 22, 59, 59, 999999, tzinfo=UTC),
         dt.datetime(2024, 7, 1, 23, 0, 0, 1, tzinfo=UTC)]  # fmt: skip


def _times():
    for day in DAYS:  # every 20 minutes of three days from each: midnight, clock changes
        yield from (day + dt.timedelta(minutes=20 * n) for n in range(3 * 72))
    yield from EDGES


@pytest.fixture
def logins():
    users = get_user_model()
    users.objects.bulk_create(
        users(username=f"u{n}", last_login=moment) for n, moment in enumerate(_times())
    )
    users.objects.create(username="never", last_login=None)
    return users.objects.all()


@pytest.mark.parametrize(
    "zone", ["Europe/London", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"]
)
def test_the_date_truncdate_gives(logins, zone):
    with timezone.override(zone):
        rows = list(logins.values_list(LocalDate("last_login"), TruncDate("last_login")))
    assert len(rows) > 800
    assert all(ours == django for ours, django in rows)


def test_the_times_of_day_that_keep_their_date():
    assert same_day_times("Europe/London") == ("00:00:00", "23:00:00")
    assert same_day_times("UTC") == ("00:00:00", "24:00:00")
    assert same_day_times("America/New_York")[0] == "05:00:00"
    assert same_day_times("Pacific/Kiritimati") is None  # −10:40 once, +14:00 now
