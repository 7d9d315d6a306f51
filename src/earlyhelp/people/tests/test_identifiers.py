import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from earlyhelp.people.identifiers import (
    nhs_check_digit,
    nhs_number_is_valid,
    upn_check_letter,
    upn_is_valid,
    validate_nhs_number,
    validate_upn,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4857773457"])
def test_valid_nhs_numbers(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    ["9434765918", "4857773456", "943476591", "94347659190", "94347659X9", "", "1000000010"],
)
def test_invalid_nhs_numbers(number):
    assert not nhs_number_is_valid(number)
    with pytest.raises(ValidationError, match="valid NHS number"):
        validate_nhs_number(number)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8))
def test_any_single_digit_change_breaks_a_valid_nhs_number(first_nine, position):
    check = nhs_check_digit(first_nine)
    if check is None:
        return
    number = first_nine + str(check)
    assert nhs_number_is_valid(number)
    changed = str((int(number[position]) + 1) % 10)
    altered = number[:position] + changed + number[position + 1:]
    assert not nhs_number_is_valid(altered)


def test_upn_check_letter_round_trip():
    body = "801200200001"
    upn = upn_check_letter(body) + body
    assert upn_is_valid(upn) and upn_is_valid(upn.lower())
    wrong = ("B" if upn[0] != "B" else "C") + body
    assert not upn_is_valid(wrong)
    with pytest.raises(ValidationError, match="unique pupil number"):
        validate_upn(wrong)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11),
       st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUVWXYZ"))
def test_generated_upns_validate_and_a_changed_digit_does_not(digits, last):
    body = digits + last
    upn = upn_check_letter(body) + body
    assert upn_is_valid(upn)
    altered = upn[:5] + str((int(upn[5]) + 1) % 10) + upn[6:]
    assert not upn_is_valid(altered)


@pytest.mark.parametrize("upn", ["", "A12345678901", "I801200200001", "A80120020000O", "1801200200001"])
def test_malformed_upns(upn):
    assert not upn_is_valid(upn)
