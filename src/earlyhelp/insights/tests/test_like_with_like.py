"""A period in progress is compared with the same stretch of the previous one, never with all of it."""

import datetime as dt

import pytest

from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.insights import selectors
from earlyhelp.insights.periods import Period, period_containing
from earlyhelp.insights.summary import board_summary

pytestmark = pytest.mark.django_db

QUARTER = period_containing("quarter", dt.date(2026, 8, 1))  # July to September 2026
TODAY = dt.date(2026, 8, 15)  # as if the quarter were half-way through


def test_the_comparison_is_the_same_stretch_of_the_previous_period():
    assert QUARTER.comparison(TODAY) == Period("quarter", dt.date(2026, 4, 1), dt.date(2026, 5, 15))
    assert QUARTER.comparison(TODAY).label == "1 April to 15 May 2026"
    # Once the period is over, the whole previous period.
    assert QUARTER.comparison(dt.date(2026, 10, 1)) == QUARTER.previous()
    assert QUARTER.comparison(dt.date(2026, 10, 1)).label == "April to June 2026"
    # A shorter month clamps: 31 March compares with 1 to 28 February.
    march = period_containing("month", dt.date(2026, 3, 1))
    assert march.comparison(dt.date(2026, 3, 30)) == Period("month", dt.date(2026, 2, 1),
                                                             dt.date(2026, 2, 28))
    # The first day of a quarter compares with the first day of the one before.
    october = period_containing("quarter", dt.date(2026, 10, 1))
    assert october.comparison(dt.date(2026, 10, 1)) == Period(
        "quarter", dt.date(2026, 7, 1), dt.date(2026, 7, 1))


def test_the_dashboard_and_board_report_compare_like_with_like():
    # Previous quarter: 3 assessments by 15 May, 4 more later in it (7 in all).
    for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 5, 15)):
        AssessmentFactory(started_on=day)
    for day in (dt.date(2026, 5, 16), dt.date(2026, 6, 1), dt.date(2026, 6, 2),
                dt.date(2026, 6, 30)):
        AssessmentFactory(started_on=day)
    # This quarter so far: 5.
    for day in (dt.date(2026, 7, 1), dt.date(2026, 7, 2), dt.date(2026, 7, 3),
                dt.date(2026, 8, 1), dt.date(2026, 8, 15)):
        AssessmentFactory(started_on=day)
    analyst = UserFactory(username="analyst", role="analyst", team=None)

    [row] = selectors.dashboard(user=analyst, period=QUARTER, codes=["new_assessments"],
                                today=TODAY)
    assert row.value == 5
    assert row.previous.value == 3  # not 7: part of a quarter against the same part
    assert row.movement == "better"
    summary = board_summary([row])
    assert ("New early help assessments rose from 3 in 1 April to 15 May 2026 to 5 in 1 July "
            "to 15 August 2026 (up 2), an improvement.") in summary
    assert any("compared with the same stretch of the previous period (1 April to 15 May 2026)"
               in p for p in summary)

    # The whole quarter, seen once it is over: 5 against the whole previous quarter's 7.
    [row] = selectors.dashboard(user=analyst, period=QUARTER, codes=["new_assessments"],
                                today=dt.date(2026, 10, 2))
    assert (row.value, row.previous.value) == (5, 7)
    assert "rose from" not in " ".join(board_summary([row]))
    assert "New early help assessments fell from 7 in April to June 2026 to 5 (down 2)" in \
        " ".join(board_summary([row]))


def test_a_count_target_while_the_period_runs_is_the_share_to_date():
    """Target 2 a month: a quarter's is 6. On 15 August (46 of 92 days) the target to date is
    3, so 5 assessments are green; the same 5 in the finished quarter are amber against 6."""
    from decimal import Decimal

    from earlyhelp.insights.models import IndicatorDefinition

    IndicatorDefinition.objects.filter(code="new_assessments").update(
        target=Decimal(2), red_threshold=Decimal(1), direction="higher")
    for day in (dt.date(2026, 7, 1), dt.date(2026, 7, 2), dt.date(2026, 7, 3),
                dt.date(2026, 8, 1), dt.date(2026, 8, 15)):
        AssessmentFactory(started_on=day)
    analyst = UserFactory(username="analyst", role="analyst", team=None)
    [row] = selectors.dashboard(user=analyst, period=QUARTER, codes=["new_assessments"],
                                today=TODAY)
    assert row.target == Decimal(3) and row.red_threshold == Decimal("1.5")
    assert row.rag == "green"
    [row] = selectors.dashboard(user=analyst, period=QUARTER, codes=["new_assessments"],
                                today=dt.date(2026, 10, 2))
    assert row.target == Decimal(6) and row.rag == "amber"
