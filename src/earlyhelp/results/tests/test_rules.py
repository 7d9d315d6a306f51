"""The results rules on hand-computed dates: sustainment at the edges of its period."""

import datetime as dt

import pytest

from earlyhelp.results import rules

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 1), 6, D(2025, 7, 1)),  # window of 1 July: 1 January – 1 July
        (D(2025, 2, 16), 6, D(2025, 8, 16)),
        # 31 August + 6 months clamps to 28 February, whose window starts 28 August: too early;
        # 1 March's window starts 1 September.
        (D(2025, 8, 31), 6, D(2026, 3, 1)),
        (D(2024, 9, 1), 12, D(2025, 9, 1)),
    ],
)
def test_sustained_from(start, months, expected):
    assert rules.sustained_from(start, months) == expected


def _absent(**kwargs):
    base = dict(met_when="absent", sustain_months=6, attached_on=D(2025, 1, 1),
                reference=D(2025, 8, 16), rule_holds=False, records_in_window=0,
                needs_records=False, last_problem=None, agency="Police")
    return rules.verdict(**{**base, **kwargs})


def test_absent_problem_in_window_is_not_met_and_names_the_earliest_day():
    v = _absent(reference=D(2025, 8, 15), rule_holds=True, records_in_window=1,
                last_problem=D(2025, 2, 15))
    assert (v.met, v.sustained, v.sustained_from) == (False, False, D(2025, 8, 16))
    assert "15 February 2025" in v.finding


def test_absent_problem_just_out_of_window_is_met_and_sustained():
    v = _absent(last_problem=D(2025, 2, 15))
    assert (v.met, v.sustained, v.sustained_from) == (True, True, D(2025, 8, 16))


def test_absent_met_but_programme_too_young_is_not_sustained():
    v = _absent(attached_on=D(2025, 3, 1), reference=D(2025, 8, 31))
    assert (v.met, v.sustained, v.sustained_from) == (True, False, D(2025, 9, 1))
    assert "1 September 2025" in v.finding
    v = _absent(attached_on=D(2025, 3, 1), reference=D(2025, 9, 1))
    assert (v.met, v.sustained) == (True, True)


def test_absent_without_the_agencys_records_is_not_met_when_records_are_needed():
    v = _absent(needs_records=True, records_in_window=0, agency="Schools (census)")
    assert not v.met and "no records from Schools (census)" in v.finding
    assert _absent(needs_records=True, records_in_window=2).met


def test_holds_measure():
    v = _absent(met_when="holds", rule_holds=True, reference=D(2025, 6, 30))
    assert (v.met, v.sustained, v.sustained_from) == (True, False, D(2025, 7, 1))
    v = _absent(met_when="holds", rule_holds=True, reference=D(2025, 7, 1))
    assert (v.met, v.sustained) == (True, True)
    assert not _absent(met_when="holds", rule_holds=False).met


def test_claimable():
    assert rules.claimable([(True, True), (True, True)], False)
    assert not rules.claimable([(True, True), (True, False)], False)
    assert not rules.claimable([], False)
    assert rules.claimable([(False, False)], True)
