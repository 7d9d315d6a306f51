"""Validation of the identifiers a person may carry (NHS number, unique pupil number) and of the
household's postcode."""

import re

from django.core.exceptions import ValidationError

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
UPN_SERIAL_LETTERS = {letter: index for index, letter in enumerate(UPN_CHECK_LETTERS)}


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_is_valid(value: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; check digit 11 - (sum mod 11)."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when they cannot make a valid number."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    return None if check == 10 else check


def validate_nhs_number(value: str) -> None:
    if not nhs_number_is_valid(value):
        raise ValidationError(
            "Enter a valid NHS number, like 943 476 5919 (10 digits; the last is a check digit)",
            code="invalid_nhs_number",
        )


def upn_check_letter(last_twelve: str) -> str:
    """DfE: weights 2..13 on characters 2–13 (a letter in position 13 counts by its place)."""
    total = 0
    for weight, char in enumerate(last_twelve, start=2):
        if char.isdigit():
            value = int(char)
        else:
            value = UPN_SERIAL_LETTERS[char]
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    upn = (value or "").strip().upper()
    if not re.fullmatch(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]", upn):
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def validate_upn(value: str) -> None:
    if not upn_is_valid(value):
        raise ValidationError(
            "Enter a valid unique pupil number: 13 characters, a check letter then 12 digits "
            "(the last may be a letter)",
            code="invalid_upn",
        )


UK_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}")


def clean_postcode(value: str) -> str:
    """A UK postcode in capitals with one space before the last three characters ("EN5 1AA"),
    or a ValidationError with the GOV.UK message."""
    value = " ".join((value or "").upper().split())
    if not UK_POSTCODE.fullmatch(value):
        raise ValidationError("Enter a real postcode, like EN5 1AA")
    if " " not in value:
        value = f"{value[:-3]} {value[-3:]}"
    return value
