"""RAG, targets per period, movement, periods, definitions' validation and the board summary."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.insights import formatting
from earlyhelp.insights.models import IndicatorDefinition
from earlyhelp.insights.periods import parse, period_containing, trend
from earlyhelp.insights.registry import Part, Result
from earlyhelp.insights.rules import movement, rag_status, target_for_period
from earlyhelp.insights.selectors import Row
from earlyhelp.insights.summary import board_summary

pytestmark = pytest.mark.django_db


def definition(which="needs_met_rate", **changes):
    d = IndicatorDefinition.objects.get(code=which)
    for name, value in changes.items():
        setattr(d, name, value)
    return d


@pytest.mark.parametrize(
    ("value", "rag"), [(60, "green"), (75, "green"), (59.9, "amber"), (50, "amber"),
                       (49.9, "red"), (None, None)],
)
def test_higher_is_better_rag(value, rag):
    assert rag_status(definition(target=Decimal(60), red_threshold=Decimal(50)), value) == rag


@pytest.mark.parametrize(("value", "rag"), [(15, "green"), (15.1, "amber"), (22, "amber"),
                                            (22.1, "red")])
def test_lower_is_better_rag(value, rag):
    assert rag_status(definition("re_referral_rate"), value) == rag


def test_no_red_threshold_means_short_of_target_is_amber():
    d = definition(target=Decimal(60), red_threshold=None)
    assert rag_status(d, 10) == "amber"


def test_monitored_indicators_have_no_status():
    assert rag_status(definition("contacts"), 1000) is None


def test_a_count_target_is_per_month_so_a_quarter_needs_three_times_it():
    d = definition("new_assessments", target=Decimal(40), red_threshold=Decimal(30),
                   direction="higher")
    assert target_for_period(d, 3) == (Decimal(120), Decimal(90))
    assert rag_status(d, 100, months=3) == "amber"
    assert rag_status(d, 100, months=1) == "green"


def test_movement_reads_the_direction():
    assert movement(definition(), 60, 50) == "better"
    assert movement(definition("re_referral_rate"), 20, 10) == "worse"
    assert movement(definition("contacts"), 20, 10) == "up"
    assert movement(definition(), 50, 50) == "same"
    assert movement(definition(), 50, None) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "made_up"}, "code", "No computation is registered for the code 'made_up'."),
        ({"unit": "days"}, "unit", "This indicator is computed as percentage; the unit cannot "
                                   "be changed."),
        ({"breakdowns": ["team", "school"]}, "breakdowns",
         "This indicator cannot be broken down by: school."),
        ({"red_threshold": Decimal(70)}, "red_threshold",
         "When higher is better, the red threshold must be at or below the target."),
        ({"target": Decimal(120)}, "target", "A percentage must be between 0 and 100."),
        ({"direction": "neutral"}, "target",
         "A monitored indicator has no target: choose higher or lower first."),
    ],
)
def test_an_administrator_cannot_save_a_nonsense_definition(changes, field, message):
    d = definition(**changes)
    with pytest.raises(ValidationError) as error:
        d.full_clean()
    assert error.value.message_dict[field][0].startswith(message)
    fresh = IndicatorDefinition.objects.get(code="needs_met_rate")
    assert (fresh.target, fresh.red_threshold) == (Decimal(60), Decimal(50))


def test_the_shipped_definitions_are_valid():
    for d in IndicatorDefinition.objects.all():
        d.full_clean()


def test_periods_are_months_financial_quarters_and_financial_years():
    assert period_containing("month", dt.date(2026, 2, 14)).end == dt.date(2026, 2, 28)
    q = period_containing("quarter", dt.date(2026, 2, 14))
    assert (q.start, q.end, q.label) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31),
                                         "January to March 2026")
    q1 = period_containing("quarter", dt.date(2026, 4, 1))
    assert (q1.start, q1.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    y = period_containing("year", dt.date(2026, 3, 31))
    assert (y.start, y.end, y.label) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31),
                                         "2025 to 2026")
    months = trend(period_containing("month", dt.date(2026, 3, 1)))
    assert len(months) == 12 and months[0].start == dt.date(2025, 4, 1)
    assert [p.start for p in trend(q)] == [dt.date(2025, 4, 1), dt.date(2025, 7, 1),
                                           dt.date(2025, 10, 1), dt.date(2026, 1, 1)]


def test_a_bad_or_future_period_request_falls_back_safely():
    today = dt.date(2026, 11, 23)
    assert parse("fortnight", "2026-02-01", today=today).kind == "month"
    assert parse("month", "not a date", today=today).start == dt.date(2026, 11, 1)
    assert parse("month", "2030-01-01", today=today).start == dt.date(2026, 11, 1)


def test_figures_are_written_for_people():
    assert formatting.figure("percent", 61.25) == "61.3%"
    assert formatting.figure("count", 1234) == "1,234"
    assert formatting.figure("days", 1) == "1 day"
    assert formatting.figure("points", 1.5, signed=True) == "+1.5 points"
    assert formatting.figure("percent", None) == "–"
    assert formatting.change("percent", 61, 52) == "up 9 percentage points"
    assert formatting.change("days", 300, 312) == "down 12 days"


def test_the_board_summary_says_what_moved_most():
    march = period_containing("month", dt.date(2026, 3, 1))

    def row(code, current, previous, rag=None, move=None):
        d = definition(code)
        return Row(definition=d, period=march, result=Result(current),
                   previous=Result(previous), rag=rag, movement=move, target=d.target)

    rows = [
        row("needs_met_rate", 61, 52, "green", "better"),  # +17% relative
        row("contacts", 1000, 990),  # +1%
        row("re_referral_rate", 30, 15, "red", "worse"),  # +100% relative
        row("closures", 80, 100),  # −20%
        row("triage_timeliness", 70, 70, "red", "same"),
    ]
    rows[0].result.parts = [Part("x", "x", 1)]
    text = board_summary(rows)
    assert text[0] == ("In March 2026, 3 of 5 indicators have a target: 1 green, 0 amber "
                       "and 2 red.")
    assert text[1] == "What moved most since the last period:"
    assert text[2] == (
        "Re-referrals within 12 months rose from 15% in February 2026 to 30% (up 15 percentage "
        "points), a deterioration; it is red against a target of 15%."
    )
    assert text[3].startswith("Episodes closed, by outcome fell from 100 in February 2026 to 80")
    assert text[4].startswith("Closed with needs met rose from 52% in February 2026 to 61%")
    assert text[5] == "Also red: Triage decisions within the RAG timescale."


def test_a_count_target_in_a_period_in_progress_is_the_share_that_has_happened():
    """The issue's quarter: 25 assessments by the end of August (62 of 92 days of July to
    September) against a target of 15 a month (45 a quarter) – judged against 45 × 62/92 =
    30.3 (red 10 a month: 20.2), so amber, not red against a whole quarter."""
    import datetime as dt

    from earlyhelp.insights.periods import period_containing

    d = definition("new_assessments", target=Decimal(15), red_threshold=Decimal(10),
                   direction="higher")
    quarter = period_containing("quarter", dt.date(2026, 8, 31))
    share = quarter.share_elapsed(dt.date(2026, 8, 31))
    assert share == Decimal(62) / Decimal(92)
    target, red = target_for_period(d, 3, share)
    assert round(target, 1) == Decimal("30.3") and round(red, 1) == Decimal("20.2")
    assert rag_status(d, 25, months=3, share=share) == "amber"
    assert rag_status(d, 19, months=3, share=share) == "red"
    assert rag_status(d, 31, months=3, share=share) == "green"
    # once the quarter has ended the whole target applies
    assert quarter.share_elapsed(dt.date(2026, 10, 1)) == 1
    assert rag_status(d, 31, months=3, share=quarter.share_elapsed(dt.date(2026, 10, 1))) == (
        "amber")
    # the first day of a quarter is one day of it
    assert quarter.share_elapsed(dt.date(2026, 7, 1)) == Decimal(1) / Decimal(92)
