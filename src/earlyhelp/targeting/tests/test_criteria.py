"""Each shipped criteria set on hand-built evidence, including the edges of the time windows.

Reference date 31 March 2026: a 12-month window runs from 31 March 2025 to 31 March 2026, both
days included.
"""

import datetime as dt

import duckdb
import pyarrow as pa
import pytest
from django.core.exceptions import ValidationError

from earlyhelp.targeting import criteria, rules
from earlyhelp.targeting.reference import shipped_criteria_sets
from earlyhelp.targeting.sources import get_source_type

REFERENCE = dt.date(2026, 3, 31)
WINDOW_START = dt.date(2025, 3, 31)
DAY_BEFORE_WINDOW = dt.date(2025, 3, 30)


def shipped(code):
    return next(s for s in shipped_criteria_sets() if s["code"] == code)


class World:
    """Households, people and source records as the tables a run leaves in DuckDB."""

    def __init__(self):
        self.members = []
        self.records: dict[str, list[dict]] = {}

    def person(self, household, key, kind):
        self.members.append(
            {
                "household_key": household,
                "person_key": key,
                "member_kind": kind,
                "age": 10 if kind == "child" else 35,
            }
        )
        return key

    def record(self, source, person, **values):
        rows = self.records.setdefault(source, [])
        rows.append(
            {"record_key": f"{source}:{len(rows)}:{person}", "person_key": person, **values}
        )

    def connect(self):
        con = duckdb.connect()
        con.register("hm", pa.Table.from_pylist(self.members))
        con.execute("CREATE TABLE household_members AS SELECT * FROM hm")
        links = []
        for source, rows in self.records.items():
            schema = get_source_type(source)
            types = {c.name: c.type for c in schema.columns}
            table = {"record_key": [r["record_key"] for r in rows]}
            for column in schema.column_names:
                values = [r.get(column) for r in rows]
                kind = types[column]
                arrow = {
                    "date": pa.date32(),
                    "int": pa.int64(),
                    "decimal": pa.float64(),
                    "bool": pa.bool_(),
                }.get(kind, pa.string())
                table[column] = pa.array(values, arrow)
            con.register(f"in_{source}", pa.table(table))
            con.execute(f"CREATE TABLE src_{source} AS SELECT * FROM in_{source}")
            links += [{"record_key": r["record_key"], "person_key": r["person_key"]} for r in rows]
        con.register("links", pa.Table.from_pylist(links or [{"record_key": "", "person_key": ""}]))
        con.execute("CREATE TABLE person_of_record AS SELECT * FROM links")
        return con


def results(world, code):
    found = criteria.evaluate(world.connect(), shipped(code), REFERENCE)
    return {f["household_key"]: f for f in found}


def attendance(world, person, missed, possible=120, start=dt.date(2025, 9, 1)):
    world.record(
        "school_attendance",
        person,
        period_start=start,
        period_end=start + dt.timedelta(days=100),
        sessions_possible=possible,
        sessions_unauthorised=missed,
    )


OUT_OF_WORK = "ESA"


def test_window_edges_follow_the_named_rule():
    assert rules.window_start(REFERENCE, 12) == WINDOW_START
    assert rules.in_window(WINDOW_START, REFERENCE, 12)
    assert rules.in_window(REFERENCE, REFERENCE, 12)
    assert not rules.in_window(DAY_BEFORE_WINDOW, REFERENCE, 12)
    assert not rules.in_window(REFERENCE + dt.timedelta(days=1), REFERENCE, 12)
    # 31 March back one month clamps to the end of February
    assert rules.window_start(REFERENCE, 1) == dt.date(2026, 2, 28)


def test_phase_1_two_of_three_national_criteria():
    w = World()
    # H1: all three national criteria, each at the edge that still counts.
    child, adult = w.person("H1", "c1", "child"), w.person("H1", "a1", "adult")
    w.record(
        "police", child, incident_date=WINDOW_START, incident_type="crime", involvement="offender"
    )
    attendance(w, child, missed=18)  # 15% exactly
    w.record("benefits", adult, benefit_type=OUT_OF_WORK, claim_start=dt.date(2024, 1, 1))
    # H2: each just misses.
    child2, adult2 = w.person("H2", "c2", "child"), w.person("H2", "a2", "adult")
    w.record(
        "police",
        child2,
        incident_date=DAY_BEFORE_WINDOW,
        incident_type="crime",
        involvement="offender",
    )
    attendance(w, child2, missed=17)  # 14.2%
    w.record(
        "benefits",
        adult2,
        benefit_type="JSA",
        claim_start=dt.date(2024, 1, 1),
        claim_end=REFERENCE - dt.timedelta(days=1),
    )
    w.record("benefits", adult2, benefit_type="UC_WORKING", claim_start=dt.date(2024, 1, 1))
    # H3: three suspensions and an adult's ASB: two of three, plus a local criterion.
    child3, adult3 = w.person("H3", "c3", "child"), w.person("H3", "a3", "adult")
    for day in (dt.date(2025, 5, 1), dt.date(2025, 10, 1), REFERENCE):
        w.record("school_exclusion", child3, exclusion_date=day, exclusion_type="FIXD")
    w.record(
        "police",
        adult3,
        incident_date=dt.date(2025, 8, 1),
        incident_type="asb",
        involvement="subject",
    )
    w.record("domestic_abuse", adult3, incident_date=dt.date(2025, 8, 1), involvement="victim")
    # H4: only two suspensions and an adult offender (crime counts for children only).
    child4, adult4 = w.person("H4", "c4", "child"), w.person("H4", "a4", "adult")
    for day in (dt.date(2025, 5, 1), dt.date(2025, 10, 1)):
        w.record("school_exclusion", child4, exclusion_date=day, exclusion_type="FIXD")
    w.record(
        "police",
        adult4,
        incident_date=dt.date(2025, 8, 1),
        incident_type="crime",
        involvement="offender",
    )

    found = results(w, "phase-1")
    assert found["H1"]["criteria_met"] == ["crime-asb", "education", "worklessness"]
    assert found["H1"]["eligible"]
    assert "H2" not in found
    assert found["H3"]["criteria_met"] == ["crime-asb", "education", "local-domestic-abuse"]
    assert found["H3"]["met_by_group"] == {"national": 2, "local": 1}
    assert found["H3"]["eligible"]
    assert "H4" not in found


def test_phase_2_two_of_six_headline_problems():
    w = World()
    child, adult = w.person("H1", "c1", "child"), w.person("H1", "a1", "adult")
    attendance(w, child, missed=12)  # 10% exactly over the last three terms
    w.record("domestic_abuse", adult, incident_date=REFERENCE, involvement="victim")
    child2, adult2 = w.person("H2", "c2", "child"), w.person("H2", "a2", "adult")
    attendance(w, child2, missed=11)  # 9.2%
    w.record("housing", adult2, event_type="rent_arrears", event_date=WINDOW_START)
    w.record("domestic_abuse", adult2, incident_date=DAY_BEFORE_WINDOW, involvement="victim")
    child3, adult3 = w.person("H3", "c3", "child"), w.person("H3", "a3", "adult")
    w.record(
        "childrens_social_care",
        child3,
        category="cin",
        start_date=dt.date(2024, 1, 1),
        end_date=WINDOW_START,
    )  # ended on the window's first day: still counts
    w.record("ae_attendance", adult3, attendance_date=dt.date(2025, 6, 1), reason="self_harm")
    w.record("ae_attendance", adult3, attendance_date=dt.date(2025, 6, 1), reason="injury")

    found = results(w, "phase-2")
    assert found["H1"]["criteria_met"] == ["education", "domestic-abuse"]
    assert found["H1"]["eligible"]
    assert found["H2"]["criteria_met"] == ["worklessness-financial"]
    assert not found["H2"]["eligible"]
    assert found["H3"]["criteria_met"] == ["children-need-help", "health"]
    assert found["H3"]["eligible"]


def test_supporting_families_2022_three_needs_and_a_dependent_child_or_expected_baby():
    def three_needs(w, household, adult):
        w.record(
            "police",
            adult,
            incident_date=dt.date(2025, 7, 1),
            incident_type="crime",
            involvement="suspect",
        )
        w.record(
            "housing",
            adult,
            event_type="temporary_accommodation",
            event_date=dt.date(2024, 12, 1),
            end_date=None,
        )  # still open: active
        w.record("ae_attendance", adult, attendance_date=dt.date(2025, 7, 1), reason="drugs")

    w = World()
    w.person("H1", "c1", "child")
    three_needs(w, "H1", w.person("H1", "a1", "adult"))
    three_needs(w, "H2", w.person("H2", "a2", "adult"))  # no child, no baby expected
    adult3 = w.person("H3", "a3", "adult")
    three_needs(w, "H3", adult3)
    w.record("ae_attendance", adult3, attendance_date=dt.date(2025, 12, 1), reason="maternity")
    w.person("H4", "u4", "unborn")
    three_needs(w, "H4", w.person("H4", "a4", "adult"))
    child5, adult5 = w.person("H5", "c5", "child"), w.person("H5", "a5", "adult")
    w.record(
        "police",
        adult5,
        incident_date=dt.date(2025, 7, 1),
        incident_type="crime",
        involvement="witness",
    )  # a witness is not a need
    w.record("school_exclusion", child5, exclusion_date=dt.date(2025, 7, 1), exclusion_type="FIXD")
    w.record("ae_attendance", adult5, attendance_date=dt.date(2025, 7, 1), reason="alcohol")

    found = results(w, "sf-2022")
    assert found["H1"]["criteria_met"] == ["substance-use", "crime", "secure-housing"]
    assert found["H1"]["eligible"]
    assert not found["H2"]["eligible"]
    assert found["H3"]["eligible"]  # expectant: maternity attendance within 9 months
    assert found["H4"]["eligible"]  # expectant: an unborn child recorded in earlyhelp
    assert found["H5"]["criteria_met"] == ["education", "substance-use"]
    assert not found["H5"]["eligible"]


def test_a_criterion_over_a_source_with_no_records_meets_nothing():
    w = World()
    w.record(
        "police",
        w.person("H1", "a1", "adult"),
        incident_date=REFERENCE,
        incident_type="asb",
        involvement="subject",
    )
    found = results(w, "phase-2")
    assert found["H1"]["criteria_met"] == ["crime-asb"]


def test_the_evidence_names_the_records_that_counted():
    w = World()
    child = w.person("H1", "c1", "child")
    attendance(w, child, missed=30)
    attendance(w, child, missed=0, start=dt.date(2025, 1, 1))  # before the window: not evidence
    con = w.connect()
    criteria.evaluate(con, shipped("phase-2"), REFERENCE)
    rows = con.execute("SELECT criterion, person_key, record_key FROM evidence_phase_2").fetchall()
    assert rows == [("education", "c1", "school_attendance:0:c1")]


def test_a_where_range_counts_both_ends():
    w = World()
    for household, missed in (("H1", 10), ("H2", 9), ("H3", 20), ("H4", 21)):
        attendance(w, w.person(household, f"c{household}", "child"), missed=missed)
    rule = {"who": "child", "any_of": [{"source": "school_attendance", "where": {
        "sessions_unauthorised": {"at_least": 10, "at_most": 20}}}]}
    con = w.connect()
    rows = con.execute(f"SELECT DISTINCT household_key FROM ({criteria.rule_sql(rule, REFERENCE)})"
                       " ORDER BY 1").fetchall()
    assert rows == [("H1",), ("H3",)]


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"who": "pets", "any_of": [{"source": "police"}]}, "'who' must be one of"),
        ({"any_of": []}, "'any_of' must list at least one condition"),
        ({"any_of": [{"source": "tarot"}]}, "unknown source 'tarot'"),
        ({"any_of": [{"source": "police", "where": {"colour": ["red"]}}]}, "no column 'colour'"),
        ({"any_of": [{"source": "school_attendance", "measure": "ratio"}]}, "'numerator'"),
        ({"any_of": [{"source": "police", "window_months": -1}]}, "'window_months'"),
        ({"any_of": [{"source": "police", "where": {"involvement": {"at_least": 1}}}]},
         "a range needs a column of numbers"),
        ({"any_of": [{"source": "school_attendance",
                      "where": {"sessions_possible": {"over": 1}}}]}, "'at_least' and/or"),
    ],
)
def test_a_bad_rule_is_refused_with_a_clear_message(rule, message):
    with pytest.raises(ValidationError) as error:
        criteria.validate_rule(rule)
    assert any(message in m for m in error.value.messages)


def test_every_shipped_rule_is_valid():
    for criteria_set in shipped_criteria_sets():
        for criterion in criteria_set["criteria"]:
            criteria.validate_rule(criterion["rule"])
        if criteria_set["family_condition"]:
            criteria.validate_rule(criteria_set["family_condition"], family_condition=True)
