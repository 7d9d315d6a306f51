"""Named business rules of targeting. Each states the rule in its docstring; each has tests.

Kept free of Django so the linkage engine, the `link` command and the benchmark share them.
"""

import datetime as dt

from earlyhelp.core.dates import months_before

POSSIBLE_TWINS = "Possible twins: same date of birth, different first names"
FIRST_NAMES_DIFFER = "Different first names (another member of the household?)"
DATES_OF_BIRTH_DIFFER = "Dates of birth more than a year apart (a parent and child of one name?)"


def held_for_review_sql(
    *,
    dob_close: tuple[int, ...] | None,
    dob_different: int | None,
    first_name_different: int | None,
    identifiers: tuple[str, ...] = ("nhs_number", "upn"),
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

    A rule whose details the files lack (no date of birth, no first name) does not apply.

    Returns a SQL expression over a scored pair: the reason, or NULL when the pair is not held.
    """
    shared = " OR ".join(f"coalesce({c}_l = {c}_r, false)" for c in identifiers)
    whens = [f"WHEN {shared} THEN NULL"] if identifiers else []
    if first_name_different is not None and dob_close:
        whens.append(
            f"WHEN gamma_dob IN ({', '.join(map(str, dob_close))}) "
            f"AND gamma_first_name = {first_name_different} THEN '{POSSIBLE_TWINS}'"
        )
    if first_name_different is not None:
        whens.append(f"WHEN gamma_first_name = {first_name_different} THEN '{FIRST_NAMES_DIFFER}'")
    if dob_different is not None:
        whens.append(f"WHEN gamma_dob = {dob_different} THEN '{DATES_OF_BIRTH_DIFFER}'")
    if not whens:
        return "CAST(NULL AS VARCHAR)"
    return "CASE " + " ".join(whens) + " END"


# A hold rule applies only while its telltale (a wholly different first name, dates of birth far
# apart) is rare among true matches in the model: below this share.
RARE_IN_TRUE_MATCHES = 0.05


def rare_in_true_matches(m_probability: float | None) -> bool:
    """The hold rules rest on one premise: that the same person is seldom recorded with a wholly
    different first name, or with dates of birth years apart. So a pair that shows it, and
    scores high only because surname, date of birth and address agree, is more likely twins or
    a parent and child than one person.

    The model learns from the files how often true matches do show it (its m probability). When
    that is common (RARE_IN_TRUE_MATCHES or more: files where names were keyed in another field,
    replaced or garbled), the premise fails, and the rule would hold back mostly true matches;
    it then does not apply and the model's score decides. An unknown share counts as rare.
    """
    return m_probability is None or m_probability < RARE_IN_TRUE_MATCHES


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
