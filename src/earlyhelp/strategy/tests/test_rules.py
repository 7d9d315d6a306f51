import datetime as dt
from decimal import Decimal

import pytest

from .. import rules

TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    "ranks, label, spread",
    [
        ([], "No ratings yet", None),
        ([3], "One rating", 0),
        ([2, 2, 2], "Agree", 0),
        ([2, 3, 3], "Close", 1),
        ([1, 3], "Disagree", 2),
        ([4, 1, 2], "Disagree", 3),
    ],
)
def test_agreement(ranks, label, spread):
    result = rules.agreement(ranks)
    assert result.label == label
    assert result.spread == spread


def test_below_target_is_strictly_below():
    assert rules.below_target(2, 3)
    assert not rules.below_target(3, 3)
    assert not rules.below_target(4, 3)


@pytest.mark.parametrize(
    "due_on, done, expected",
    [
        (dt.date(2026, 6, 14), False, "red"),  # a day late
        (dt.date(2026, 6, 15), False, "amber"),  # due today
        (dt.date(2026, 7, 15), False, "amber"),  # 30 days away: still amber
        (dt.date(2026, 7, 16), False, "green"),  # 31 days away
        (dt.date(2026, 1, 1), True, "done"),  # late but done
    ],
)
def test_rag_by_date(due_on, done, expected):
    assert rules.rag_by_date(due_on=due_on, is_done=done, today=TODAY) == expected


@pytest.mark.parametrize(
    "value, target, higher, expected",
    [
        (80, Decimal("75"), True, "green"),
        (75, Decimal("75"), True, "green"),
        (74.9, Decimal("75"), True, "red"),
        (10, Decimal("12"), False, "green"),
        (13, Decimal("12"), False, "red"),
        (None, Decimal("12"), True, None),
        (10, None, True, None),
    ],
)
def test_rag_by_indicator(value, target, higher, expected):
    assert rules.rag_by_indicator(value=value, target=target, higher_is_better=higher) == expected
