"""Small hand-built source files for the targeting tests."""

import csv
from pathlib import Path

from earlyhelp.people.identifiers import nhs_check_digit, upn_check_letter
from earlyhelp.targeting.sources import get_source_type


def nhs(first_nine: str) -> str:
    """A valid NHS number from nine digits (bumping the last until a check digit exists)."""
    number = int(first_nine)
    while nhs_check_digit(f"{number:09d}") is None:
        number += 1
    return f"{number:09d}{nhs_check_digit(f'{number:09d}')}"


def upn(last_twelve: str) -> str:
    return upn_check_letter(last_twelve) + last_twelve


def write_source(path: Path, source_type: str, rows: list[dict]) -> Path:
    """A CSV in the source's schema; columns a row leaves out are blank."""
    columns = get_source_type(source_type).column_names
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def person(first, surname, dob, sex, postcode="EB1 1AA", address="1 Oak Road", **extra):
    return {
        "first_name": first,
        "surname": surname,
        "date_of_birth": dob,
        "sex": sex,
        "postcode": postcode,
        "address": address,
        **extra,
    }
