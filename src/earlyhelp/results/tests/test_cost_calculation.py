"""Cost avoidance for a small cohort, every figure computed by hand.

Uprating index (the shipped illustrative one): 2022 0.95, 2023 1.00, 2024 1.03; target price
year 2024. Unit values uprated: police call-out £100 (2023) -> £103.00; A&E £100 (2022) ->
100 × 1.03 / 0.95 = £108.42; week in care £1,000 (2023) -> £1,030.00; night in temporary
accommodation £50 (2023) -> £51.50; step-up (casework) £500 (2023) -> £515.00.
N = 6 months; data as of 31 March 2025.

Family A (household H1), work 1 Jan – 30 Jun 2024: before 1 Jul – 31 Dec 2023, after
1 Jul – 31 Dec 2024.
  police 10 Oct 2023 and 20 Nov 2023: before, 2 × £103.00 = £206.00
  police 3 Mar 2024: during the work, not counted
  police 5 Aug 2024: after, £103.00
  A&E 1 Dec 2023: before, £108.42
  looked after 2 Dec – 16 Dec 2023 (14 days = 2 weeks): before, 2 × £1,030 = £2,060.00 (cashable)
Family B (household H2), work 1 Feb – 31 Jul 2024: before 1 Aug 2023 – 31 Jan 2024, after
1 Aug 2024 – 31 Jan 2025.
  temporary accommodation 25 Jan – 10 Feb 2024: 7 nights (25–31 Jan) before, 7 × £51.50 =
  £360.50 (cashable); the 10 nights from 1 Feb are during the work
  step-up (casework) 1 Sep 2024: after, £515.00
Family C (not linked), work ended 1 Mar 2025: its after window ends 1 Sep 2025, after the data –
left out (incomplete), and counted as not linked.

Cohort (A, B): before 206 + 108.42 + 2,060 + 360.50 = £2,734.92; after 103 + 515 = £618.00;
avoided £2,116.92.
  Police 206.00 / 103.00; NHS 108.42 / 0; Children's social care 2,060.00 / 515.00;
  Housing 360.50 / 0.
  Cashable 2,420.50 / 0 -> 2,420.50; non-cashable 314.42 / 618.00 -> -303.58.
Comparison (H4, H5), matched dates: median_low of the linked families' starts (1 Jan, 1 Feb) =
1 Jan 2024 and ends (30 Jun, 31 Jul) = 30 Jun 2024 – the same windows as family A.
  H4 police 1 Sep 2023 (before) and 1 Sep 2024 (after): 103 / 103; H5 police 1 Oct 2023: 103 / 0.
  Comparison before £206.00, after £103.00, avoided £103.00 = £51.50 a family.
Net: 2,116.92 − 51.50 × 2 = £2,013.92.
"""

import datetime as dt
from decimal import Decimal

import pytest

from earlyhelp.cases.models import Transition
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.results.costs import calculation, rules
from earlyhelp.results.models import UnitCost, UpratingIndex
from earlyhelp.targeting.tests.test_criteria import World

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2025, 3, 31)


def linked_records():
    world = World()
    for household, person in (("H1", "A1"), ("H2", "B1"), ("H4", "X4"), ("H5", "X5")):
        world.person(household, person, "adult")
    world.person("H1", "A2", "child")

    def police(person, day):
        world.record("police", person, incident_date=day, incident_type="crime",
                     involvement="victim")

    for day in (D(2023, 10, 10), D(2023, 11, 20), D(2024, 3, 3), D(2024, 8, 5)):
        police("A1", day)
    world.record("ae_attendance", "A2", attendance_date=D(2023, 12, 1), reason="injury")
    world.record("childrens_social_care", "A2", category="cla", start_date=D(2023, 12, 2),
                 end_date=D(2023, 12, 16))
    # An assessment is priced only by its own unit cost, which this test leaves out.
    world.record("childrens_social_care", "A2", category="assessment",
                 start_date=D(2023, 11, 1))
    world.record("housing", "B1", event_type="temporary_accommodation",
                 event_date=D(2024, 1, 25), end_date=D(2024, 2, 10))
    police("X4", D(2023, 9, 1))
    police("X4", D(2024, 9, 1))
    police("X5", D(2023, 10, 1))
    return world.connect()


def costs():
    codes = ["police-call-out", "ae-attendance", "week-in-care",
             "temporary-accommodation-night", "step-up"]
    return list(UnitCost.objects.filter(code__in=codes))


def index():
    return {i.price_year: i.factor for i in UpratingIndex.objects.all()}


@pytest.fixture
def members():
    a = EpisodeFactory(start_date=D(2024, 1, 1), end_date=D(2024, 6, 30), status="closed",
                       closure_outcome="needs_met")
    b = EpisodeFactory(start_date=D(2024, 2, 1), end_date=D(2024, 7, 31), status="closed",
                       closure_outcome="needs_met")
    Transition.objects.create(kind="step_up", family=b.family, episode=b, date=D(2024, 9, 1),
                              reason="Risk rose.", recorded_by=UserFactory())
    # A step-up of another family is not B's.
    other = EpisodeFactory(start_date=D(2024, 2, 1), end_date=D(2024, 7, 31), status="closed",
                       closure_outcome="needs_met")
    Transition.objects.create(kind="step_up", family=other.family, episode=other,
                              date=D(2024, 9, 2), reason="Risk rose.", recorded_by=UserFactory())
    return [
        calculation.Member(str(a.family_id), "A", "H1", D(2024, 1, 1), D(2024, 6, 30)),
        calculation.Member(str(b.family_id), "B", "H2", D(2024, 2, 1), D(2024, 7, 31)),
        calculation.Member("c", "C", "", D(2024, 9, 1), D(2025, 3, 1)),
    ]


def test_every_figure_by_hand(members):
    result = calculation.calculate(members=members, comparison=["H4", "H5"], costs=costs(),
                                   index=index(), price_year=2024, months=6, data_as_of=AS_OF,
                                   con=linked_records())
    cohort = result.cohort
    assert cohort.families == 2 and result.incomplete == 1 and result.not_linked == 1
    assert (cohort.total.before, cohort.total.after, cohort.total.avoided) == (
        Decimal("2734.92"), Decimal("618.00"), Decimal("2116.92"))
    assert {a: (s.before, s.after) for a, s in cohort.agencies()} == {
        "Police": (Decimal("206.00"), Decimal("103.00")),
        "NHS": (Decimal("108.42"), Decimal("0.00")),
        "Children's social care": (Decimal("2060.00"), Decimal("515.00")),
        "Housing": (Decimal("360.50"), Decimal("0.00")),
    }
    assert cohort.by_cashable[True].avoided == Decimal("2420.50")
    assert cohort.by_cashable[False].avoided == Decimal("-303.58")
    assert result.comparison_dates == (D(2024, 1, 1), D(2024, 6, 30))
    comparison = result.comparison
    assert comparison.families == 2
    assert (comparison.total.before, comparison.total.after) == (Decimal("206.00"),
                                                                 Decimal("103.00"))
    assert result.net == Decimal("2013.92")
    # Every line behind the total, the during-the-work police call-out not among them.
    lines = [(ln.group, ln.family, ln.cost, ln.start, ln.window, ln.units, ln.uprated_unit,
              ln.value) for ln in result.lines]
    assert ("cohort", "B", "A night in temporary accommodation", D(2024, 1, 25), "before",
            Decimal("7"), Decimal("51.50"), Decimal("360.50")) in lines
    assert ("cohort", "A", "A week in care (looked after)", D(2023, 12, 2), "before",
            Decimal("2"), Decimal("1030.00"), Decimal("2060.00")) in lines
    assert ("cohort", "A", "An A&E attendance", D(2023, 12, 1), "before", Decimal("1"),
            Decimal("108.42"), Decimal("108.42")) in lines
    assert not [ln for ln in result.lines if ln.start == D(2024, 3, 3)]
    assert len([ln for ln in result.lines if ln.group == "cohort"]) == 7
    assert len([ln for ln in result.lines if ln.group == "comparison"]) == 3
    assert sum(ln.value for ln in result.lines if ln.group == "cohort"
               and ln.window == "before") == cohort.total.before
    # The caveats printed next to the totals.
    said = " ".join(result.caveats)
    assert "illustrative" in said and "Attribution" in said and "Regression to the mean" in said
    assert "comparison group is small (2 families)" in said
    assert "1 families are left out" in said and "not linked" in said


def test_without_linked_records_only_casework_counts(members):
    result = calculation.calculate(members=members, comparison=["H4"], costs=costs(),
                                   index=index(), price_year=2024, months=6, data_as_of=AS_OF)
    assert (result.cohort.total.before, result.cohort.total.after) == (Decimal("0.00"),
                                                                       Decimal("515.00"))
    assert result.comparison is None and result.net is None
    assert "No finished targeting run" in " ".join(result.caveats)
    assert "No comparison group" in " ".join(result.caveats)


def test_a_cost_with_no_uprating_factor_is_left_out_and_said(members):
    UpratingIndex.objects.filter(price_year=2022).delete()
    result = calculation.calculate(members=members, comparison=[], costs=costs(), index=index(),
                                   price_year=2024, months=6, data_as_of=AS_OF,
                                   con=linked_records())
    assert result.unpriced == ["An A&E attendance"]
    assert result.cohort.total.before == Decimal("2626.50")  # 2,734.92 − 108.42
    assert "An A&E attendance" in result.caveats[-1]


@pytest.mark.parametrize("unit,start,end,expected", [
    ("each", D(2024, 1, 31), None, 1), ("each", D(2024, 2, 1), None, 0),
    ("week", D(2024, 1, 1), D(2024, 1, 15), 2), ("night", D(2023, 12, 25), D(2024, 1, 3), 2),
    ("night", D(2024, 1, 30), None, 2), ("month", D(2024, 1, 1), None, Decimal("0.9973")),
])
def test_units_at_the_window_edges(unit, start, end, expected):
    window = (D(2024, 1, 1), D(2024, 1, 31))  # 31 days; 31 × 12 / 365 = 1.0192 months
    if unit == "month":
        window = (D(2024, 1, 1), D(2024, 1, 30))  # 30 × 12 / 365 = 0.9863... open: 30 days
        expected = Decimal("0.9863")
    assert rules.units_in(unit, start, end, window) == Decimal(expected)


def test_windows_hold_to_the_end_of_a_month():
    assert rules.windows(D(2024, 3, 31), D(2024, 8, 31), 6) == {
        "before": (D(2023, 9, 30), D(2024, 3, 30)), "after": (D(2024, 9, 1), D(2025, 2, 28))}


def test_a_unit_cost_must_price_a_known_record_kind():
    from django.core.exceptions import ValidationError

    cost = UnitCost(code="x", name="X", unit="week", value=1, price_year=2023, source="s",
                    agency="Police", record_source="police")
    with pytest.raises(ValidationError, match="no end date"):
        cost.full_clean()
    cost.unit, cost.record_source = "each", "tarot"
    with pytest.raises(ValidationError, match="No agency records of kind 'tarot'"):
        cost.full_clean()
    cost.record_source, cost.code_column, cost.codes = "housing", "event_type", ["picnic"]
    with pytest.raises(ValidationError, match="Codes of Event"):
        cost.full_clean()
    cost.codes = ["eviction"]
    cost.full_clean()
