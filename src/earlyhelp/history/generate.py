"""A synthetic SSD extract of any size (deterministic from a seed), for the benchmark and the
kill test: per family a mother and two children, an address, two contacts and one or two early
help episodes (the second after a step-up and an RC9 step-down for a third of families)."""

import csv
import datetime as dt
import random
from pathlib import Path

from . import ssd

TEAMS = ("Family Support West", "Family Support East")
_NAMES = ("Khan", "Evans", "Patel", "Smith", "Okafor", "Nowak", "Jones", "Ali", "Brown", "Green")


def generate(directory, *, families: int, seed: int = 13) -> int:
    """Write the CSVs into `directory`; returns the number of rows written."""
    rng = random.Random(seed)
    rows: dict[str, list[list]] = {name: [] for name in ssd.TABLES}
    for f in range(families):
        surname = _NAMES[f % len(_NAMES)]
        ids = [f"P{f}-{n}" for n in range(3)]
        blank = [""] * 5  # NHS number .. death date
        rows["ssd_person"] += [
            [ids[0], "Mum", surname, "F", "", "WBRI", "1985-05-01", *blank, "", "Y"],
            [ids[1], "Child", surname, "M", "", "WBRI", "2014-02-03", *blank, "", ""],
            [ids[2], "Baby", surname, "F", "", "WBRI", "2019-08-09", *blank, "", ""],
        ]
        rows["ssd_family"] += [[f"FT{f}-{n}", f"F{f}", ids[n]] for n in range(3)]
        rows["ssd_address"].append(
            [f"A{f}", f"{f} High Street", ids[0], "Home", "2012-01-01", "", "EN5 1AA"])
        start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(900))
        rows["ssd_contacts"].append([f"C{f}-1", ids[1], start.isoformat(), "2A", "School", ""])
        team = TEAMS[f % 2]
        end = start + dt.timedelta(days=30 + rng.randrange(200))
        step_up = f % 3 == 0
        first = [start + dt.timedelta(days=5), end, "Mental health",
                 "Step-up" if step_up else "Outcomes met", team, ""]
        rows["ssd_early_help_episodes"] += [
            [f"E{f}-1", ids[1], first[0].isoformat(), end.isoformat(), *first[2:]],
            [f"E{f}-1", ids[2], first[0].isoformat(), end.isoformat(), *first[2:]],
        ]
        again = end + dt.timedelta(days=40)
        rows["ssd_contacts"].append([f"C{f}-2", ids[1], again.isoformat(), "6", "Police", ""])
        if step_up:
            closed = end + dt.timedelta(days=60)
            rows["ssd_cin_episodes"].append(
                [f"R{f}", ids[1], end.isoformat(), "N1", "5D", "", "", "N", "RC9",
                 closed.isoformat(), "", ""])
            reopened = closed + dt.timedelta(days=7)
            rows["ssd_early_help_episodes"].append(
                [f"E{f}-2", ids[1], reopened.isoformat(), "", "Parenting and family dynamics", "",
                 team, ""])
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, table in rows.items():
        with (directory / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(ssd.TABLES[name])
            for row in table:
                writer.writerow(row + [""] * (len(ssd.TABLES[name]) - len(row)))
        total += len(table)
    return total
