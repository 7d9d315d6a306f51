"""Dates and times as GOV.UK writes them."""

import datetime as dt
import zoneinfo

from earlyhelp.core.dates import long_date
from earlyhelp.web.templatetags.govuk import govuk_datetime, local_datetime_text


def test_long_date_names_every_month_in_english():
    expected = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
    assert [long_date(dt.date(2026, m, 4)) for m in range(1, 13)] == [
        f"4 {name} 2026" for name in expected]
    assert long_date(dt.date(2026, 12, 31)) == "31 December 2026"
    assert long_date(None) == ""


def test_a_time_is_written_in_london_time_whatever_zone_it_comes_in():
    london = zoneinfo.ZoneInfo("Europe/London")
    summer_utc = dt.datetime(2026, 7, 1, 23, 5, tzinfo=dt.UTC)  # 00:05 on 2 July in London
    assert govuk_datetime(summer_utc) == "2 July 2026 at 12:05am"
    assert local_datetime_text(summer_utc.astimezone(london)) == "2 July 2026 at 12:05am"
    winter = dt.datetime(2026, 1, 5, 14, 7, tzinfo=dt.UTC)
    assert govuk_datetime(winter) == "5 January 2026 at 2:07pm"
    noon = dt.datetime(2026, 1, 5, 12, 0, tzinfo=london)
    assert govuk_datetime(noon) == "5 January 2026 at 12:00pm"
    assert govuk_datetime(None) == ""
