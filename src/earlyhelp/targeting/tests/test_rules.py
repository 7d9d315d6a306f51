"""The named rules, each on its own."""

import duckdb
import pytest

from earlyhelp.targeting import rules
from earlyhelp.targeting.linkage import model


@pytest.fixture
def model_json():
    return model.shipped_model()


def held(model_json, **pair):
    sql = rules.held_for_review_sql(
        dob_close=tuple(model.gamma(model_json, "dob", label) for label in model.DOB_CLOSE_LABELS),
        dob_different=model.gamma(model_json, "dob", "Different dates of birth"),
        first_name_different=model.gamma(model_json, "first_name", "Different first names"),
    )
    values = {
        "gamma_dob": 0,
        "gamma_first_name": 0,
        "nhs_number_l": None,
        "nhs_number_r": None,
        "upn_l": None,
        "upn_r": None,
        **pair,
    }
    columns = ", ".join(
        f"{'NULL::VARCHAR' if v is None else repr(v)} AS {k}" for k, v in values.items()
    )
    return duckdb.sql(f"SELECT {sql} FROM (SELECT {columns})").fetchall()[0][0]


def test_possible_twins_are_held(model_json):
    exact = model.gamma(model_json, "dob", "Same date of birth")
    swapped = model.gamma(model_json, "dob", "Day and month swapped")
    different_name = model.gamma(model_json, "first_name", "Different first names")
    same_name = model.gamma(model_json, "first_name", "Same first name")
    assert (
        held(model_json, gamma_dob=exact, gamma_first_name=different_name) == rules.POSSIBLE_TWINS
    )
    assert (
        held(model_json, gamma_dob=swapped, gamma_first_name=different_name) == rules.POSSIBLE_TWINS
    )
    assert held(model_json, gamma_dob=exact, gamma_first_name=same_name) is None


def test_different_first_names_without_a_date_of_birth_are_held(model_json):
    different_name = model.gamma(model_json, "first_name", "Different first names")
    assert held(model_json, gamma_dob=-1, gamma_first_name=different_name) == (
        rules.FIRST_NAMES_DIFFER
    )


def test_dates_of_birth_far_apart_are_held(model_json):
    different = model.gamma(model_json, "dob", "Different dates of birth")
    same_name = model.gamma(model_json, "first_name", "Same first name")
    assert held(model_json, gamma_dob=different, gamma_first_name=same_name) == (
        rules.DATES_OF_BIRTH_DIFFER
    )
    assert held(model_json, gamma_dob=-1, gamma_first_name=same_name) is None  # one missing


def test_a_shared_nhs_number_or_upn_is_never_held(model_json):
    exact = model.gamma(model_json, "dob", "Same date of birth")
    different_name = model.gamma(model_json, "first_name", "Different first names")
    assert (
        held(
            model_json,
            gamma_dob=exact,
            gamma_first_name=different_name,
            nhs_number_l="4010232137",
            nhs_number_r="4010232137",
        )
        is None
    )
    assert (
        held(
            model_json,
            gamma_dob=exact,
            gamma_first_name=different_name,
            upn_l="A801200000001",
            upn_r="A801200000001",
        )
        is None
    )


@pytest.mark.parametrize(
    "accepted, probability, hold, expected",
    [
        ("true", 0.2, None, 1.0),
        ("false", 0.99, None, 0.0),
        ("NULL", 0.7, None, 0.7),
        ("NULL", 0.99, "'held'", 0.0),
        ("true", 0.99, "'held'", 1.0),
    ],
)
def test_a_decision_wins_over_the_model(accepted, probability, hold, expected):
    sql = rules.decision_wins_sql(
        accepted=f"CAST({accepted} AS BOOLEAN)",
        probability=f"CAST({probability} AS DOUBLE)",
        hold_reason=hold or "NULL",
    )
    assert duckdb.sql(f"SELECT {sql}").fetchall()[0][0] == expected


def test_known_within_twelve_months():
    import datetime as dt

    ref = dt.date(2026, 3, 31)
    assert rules.known_within(ref, dt.date(2024, 1, 1), None)
    assert rules.known_within(ref, dt.date(2024, 1, 1), dt.date(2025, 3, 31))
    assert not rules.known_within(ref, dt.date(2024, 1, 1), dt.date(2025, 3, 30))
    assert not rules.known_within(ref, dt.date(2026, 4, 1), None)
