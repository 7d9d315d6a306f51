"""Named business rules of results. Pure: dates and counts in, an answer out. Each has tests."""

import datetime as dt
from dataclasses import dataclass

from earlyhelp.core.dates import long_date, months_after, months_before

DAY = dt.timedelta(days=1)


def sustained_from(start: dt.date, months: int) -> dt.date:
    """Progress is *sustained* on the first day whose measure window (the `months` up to and
    including that day, as targeting's criteria windows count them) lies wholly on or after
    `start`: the day the family joined the programme, or the day after the last record that
    showed the problem. From 1 January 2025 with six months: 1 July 2025 (its window starts on
    1 January 2025)."""
    day = months_after(start, months)
    while months_before(day, months) < start:
        day += DAY
    while months_before(day - DAY, months) >= start:
        day -= DAY
    return day


@dataclass(frozen=True)
class Verdict:
    met: bool
    sustained: bool
    sustained_from: dt.date | None
    finding: str


def verdict(
    *,
    met_when: str,
    sustain_months: int,
    attached_on: dt.date,
    reference: dt.date,
    rule_holds: bool,
    records_in_window: int,
    needs_records: bool,
    last_problem: dt.date | None,
    agency: str,
) -> Verdict:
    """Is a measure met on `reference`, and sustained?

    - *holds* (e.g. in work): met when the rule holds over the window; sustained once the window
      lies wholly inside the programme (`sustained_from(attached_on, months)`).
    - *absent* (e.g. no domestic abuse incident): met when the rule does not hold over the
      window – and, where the measure needs records, when the agency sent some for the window
      (no attendance returns is not good attendance); sustained as above. When the problem is
      still there – or was, inside the programme – the sustainment period ends `months` after
      the day following the last record that showed it (`last_problem`), and never before
      `months` after the family joined.
    """
    programme_from = sustained_from(attached_on, sustain_months)
    if met_when == "holds":
        if not rule_holds:
            return Verdict(False, False, programme_from, "Not met: no record shows it.")
        sustained = reference >= programme_from
        return Verdict(True, sustained, programme_from, _met_text(sustained, programme_from))
    if needs_records and records_in_window == 0:
        return Verdict(
            False, False, programme_from,
            f"Not met: no records from {agency} for the {sustain_months} months to "
            f"{long_date(reference)}.",
        )
    ends = programme_from
    if last_problem is not None:
        ends = max(programme_from, sustained_from(last_problem + DAY, sustain_months))
    if rule_holds:
        return Verdict(
            False, False, ends,
            f"Not met: recorded within the {sustain_months} months to {long_date(reference)} "
            f"(last on {long_date(last_problem)}); the earliest it can be sustained is "
            f"{long_date(ends)}." if last_problem else "Not met: recorded within the window.",
        )
    sustained = reference >= ends
    return Verdict(True, sustained, ends, _met_text(sustained, ends))


def _met_text(sustained: bool, day: dt.date) -> str:
    if sustained:
        return f"Met and sustained (since {long_date(day)})."
    return f"Met, not yet sustained: the sustainment period ends on {long_date(day)}."


def claimable(needs: list[tuple[bool, bool]], employment_sustained: bool) -> bool:
    """A family is claimable when every need in its plan is met and sustained – or an adult is
    in continuous employment, where the framework allows it. A plan with no needs is not."""
    if employment_sustained:
        return True
    return bool(needs) and all(met and sustained for met, sustained in needs)
