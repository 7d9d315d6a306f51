"""Named business rules of targeting. Each states the rule in its docstring; each has tests.

Kept free of Django so the linkage engine, the `link` command and the benchmark share them.
"""

import datetime as dt

from earlyhelp.core.dates import months_before

POSSIBLE_TWINS = "Possible twins: same date of birth, different first names"
FIRST_NAMES_DIFFER = "Different first names (another member of the household?)"
DATES_OF_BIRTH_DIFFER = "Dates of birth more than a year apart (a parent and child of one name?)"


def held_for_review_sql(
    *, dob_close: tuple[int, ...], dob_different: int, first_name_different: int
) -> str:
    """Some pairs are never linked automatically, however high the model scores them.

    Unless the two records share an NHS number or a UPN, a pair is held for clerical review when:

    - *possible twins*: the same date of birth (or one a typing slip or day/month swap of the
      other) but clearly different first names (no nickname, spelling or sound likeness, not an
      initial) – twins share surname, birthday and address, so only a person can tell them from
      one person recorded twice;
    - *first names differ*: clearly different first names and no date of birth to tell them
      apart (or dates far apart) – members of one household share surname and address, which
      together outweigh a first name;
    - *dates of birth differ*: both are recorded and are more than a year apart and not a
      typing slip or a day/month swap – a father and son of one name at one address score like
      one person on everything else.

    Returns a SQL expression over a scored pair: the reason, or NULL when the pair is not held.
    """
    return f"""CASE
        WHEN coalesce(nhs_number_l = nhs_number_r, false) OR coalesce(upn_l = upn_r, false)
            THEN NULL
        WHEN gamma_dob IN ({", ".join(map(str, dob_close))})
            AND gamma_first_name = {first_name_different}
            THEN '{POSSIBLE_TWINS}'
        WHEN gamma_first_name = {first_name_different} THEN '{FIRST_NAMES_DIFFER}'
        WHEN gamma_dob = {dob_different} THEN '{DATES_OF_BIRTH_DIFFER}'
    END"""


def decision_wins_sql(*, accepted: str, probability: str, hold_reason: str) -> str:
    """A clerical decision wins over the model on every later run.

    Accepted pairs are linked (probability 1) even when the model scores them low or does not
    score them at all; rejected pairs are never linked directly (probability 0). Without a
    decision, a pair held for review is not linked, and any other keeps the model's score. A
    rejected pair can still end up in one cluster through other records that link both – the
    household page shows which links joined them.

    Returns the SQL for the probability clustering uses, from the three column expressions.
    """
    return (
        f"CASE WHEN {accepted} THEN 1.0 WHEN NOT {accepted} THEN 0.0 "
        f"WHEN {hold_reason} IS NOT NULL THEN 0.0 ELSE {probability} END"
    )


def window_start(reference: dt.date, months: int) -> dt.date:
    """A criterion's time window is the `months` up to and including the reference date.

    It starts on the same day `months` earlier (clamped to the month's end) and includes both
    ends: with a 12-month window and a reference date of 31 March 2026, a record dated
    31 March 2025 counts and one dated 30 March 2025 does not.
    """
    return months_before(reference, months)


def in_window(day: dt.date | None, reference: dt.date, months: int) -> bool:
    return day is not None and window_start(reference, months) <= day <= reference


# A family is "known" to early help or social care when involved within this many months.
KNOWN_WITHIN_MONTHS = 12


def known_within(reference: dt.date, start: dt.date, end: dt.date | None) -> bool:
    """A family is already known when an early help episode or a social care involvement was
    open at some point in the KNOWN_WITHIN_MONTHS months up to the reference date: the cohort
    flags it, so the front door can reach first the families nobody is working with."""
    since = months_before(reference, KNOWN_WITHIN_MONTHS)
    return start <= reference and (end is None or end >= since)
