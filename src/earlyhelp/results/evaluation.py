"""Evaluate outcome measures over linked agency records and casework, in targeting's criteria
language.

The records are the tables a targeting run leaves in DuckDB – `household_members`,
`person_of_record` and one `src_<source>` per agency source – so a measure is judged on exactly
the records (and the same linkage) that found the family; casework is staged beside them as
`src_casework_<what>` tables (casework.py). Each measure is evaluated for every
household at once (two queries per measure), then judged per family by `rules.verdict`.
"""

import copy
import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from django.core.exceptions import ValidationError

from earlyhelp.targeting.criteria import rule_sql, staged_tables, validate_rule
from earlyhelp.targeting.sources import SOURCE_TYPES

from . import rules
from .casework import CASEWORK_SOURCES

# The sources a measure may read: the agency sources and earlyhelp's own casework.
SOURCES = {**SOURCE_TYPES, **CASEWORK_SOURCES}


def validate_measure_rule(rule) -> None:
    """A measure's rule is a criteria rule over agency or casework sources; its window is the
    measure's sustainment period, so a condition may not set its own."""
    validate_rule(rule, sources=SOURCES)
    if any("window_months" in c for c in rule["any_of"]):
        raise ValidationError(
            "Leave out 'window_months': a measure's window is its sustainment period"
        )


def _with_window(rule: dict, months: int, at_least=None) -> dict:
    rule = copy.deepcopy(rule)
    for condition in rule["any_of"]:
        condition["window_months"] = months
        if at_least is not None:
            condition["at_least"] = at_least
    return rule


@dataclass
class Found:
    """What the records say about one household for one measure."""

    holds: bool = False
    counted: list[dict] = field(default_factory=list)  # records that made the rule hold
    in_window: list[dict] = field(default_factory=list)  # every record the rule looked at
    history: list[dict] = field(default_factory=list)  # its records since `since`


def _records(con, rule: dict, reference: dt.date, tables: set, households: list[str],
             casework: dict, made: dict):
    """{household_key: [record dicts]} for the records one rule's conditions select (a
    casework record once, though it is every member's). `made` keeps each record's dict across
    a measure's three reads (window, records seen, history), which mostly return the same
    records: building them once was a third of a 25,000-family check."""
    found: dict[str, list[dict]] = {}
    seen: set = set()
    for condition in rule["any_of"]:
        one = {"who": rule.get("who", "any"), "any_of": [condition]}
        sql = rule_sql(one, reference, tables, SOURCES)
        if sql is None:
            continue
        source = SOURCES[condition["source"]]
        end = f's."{source.end_column}"' if source.end_column else "NULL"
        rows = con.execute(
            f"""SELECT DISTINCT m.household_key, m.person_key, m.record_key,
                   s."{source.date_column}" AS start, {end} AS end_date
                FROM ({sql}) m
                JOIN wanted_households USING (household_key)
                JOIN src_{source.code} s USING (record_key)
                ORDER BY start, m.record_key"""
        ).fetchall()
        for household, person, record, start, end_date in rows:
            key = (household, record)
            if key in seen:
                continue
            seen.add(key)
            row = made.get(key)
            if row is None:
                row = made[key] = {
                    "record": record,
                    "person": person,
                    "source": source.code,
                    "agency": source.agency,
                    "date": start.isoformat() if start else None,
                    "end": end_date.isoformat() if end_date else None,
                }
                if record in casework:
                    row["casework"] = casework[record]
            found.setdefault(household, []).append(row)
    return found


class _Findings(dict):
    """{household_key: Found} for one measure, each made when first asked for: a check reads
    only the households whose families have that need."""

    def __init__(self, counted: dict, seen: dict, history: dict):
        super().__init__()
        self.counted, self.seen, self.history = counted, seen, history

    def __missing__(self, household: str) -> Found:
        counted = self.counted.get(household, [])
        found = self[household] = Found(
            holds=bool(counted), counted=counted, in_window=self.seen.get(household, []),
            history=self.history.get(household, []))
        return found


def _months_since(since: dt.date, reference: dt.date) -> int:
    months = (reference.year - since.year) * 12 + reference.month - since.month
    return max(months + 1, 0)


def find(con: duckdb.DuckDBPyConnection, measure: dict, reference: dt.date,
         households: list[str], since: dt.date, casework: dict | None = None) -> dict[str, Found]:
    """One measure (rule, sustain_months) for many households on one reference date; `since`
    (the earliest joining date among them) bounds the history read for the evidence;
    `casework`: what casework.stage said of each casework record, for the evidence."""
    casework = casework or {}
    tables = staged_tables(con)
    months = measure["sustain_months"]
    rule = measure["rule"]
    # One bulk load of the households asked about (row-by-row inserts cost a round trip each).
    con.register("wanted_input", pa.table({"household_key": pa.array(households, pa.string())}))
    con.execute("CREATE OR REPLACE TEMP TABLE wanted_households AS SELECT * FROM wanted_input")
    con.unregister("wanted_input")
    made: dict = {}
    counted = _records(con, _with_window(rule, months), reference, tables, households, casework,
                       made)
    seen = _records(con, _with_window(rule, months, 0), reference, tables, households, casework,
                    made)
    wide = max(months, _months_since(since, reference))
    history = _records(con, _with_window(rule, wide, 0), reference, tables, households, casework,
                       made)
    return _Findings(counted, seen, history)


def _simple_count(rule: dict) -> bool:
    """Every record of a simple count rule (at least one record) shows the problem."""
    return all(c.get("measure", "count") == "count" and c.get("at_least", 1) <= 1
               for c in rule["any_of"])


def judge(measure: dict, found: Found, *, attached_on: dt.date, reference: dt.date):
    """The verdict for one family, and the evidence to show (every record the rule read, with
    whether it counted)."""
    counted_keys = {r["record"] for r in found.counted}
    window_keys = {r["record"] for r in found.in_window}
    history = [r for r in found.history
               if r["record"] in window_keys or (r["date"] and r["date"] >= attached_on.isoformat())]
    showing = history if _simple_count(measure["rule"]) else found.counted
    last = max((dt.date.fromisoformat(r["date"]) for r in showing if r["date"]), default=None)
    agencies = sorted({SOURCES[c["source"]].agency for c in measure["rule"]["any_of"]})
    verdict = rules.verdict(
        met_when=measure["met_when"],
        sustain_months=measure["sustain_months"],
        attached_on=attached_on,
        reference=reference,
        rule_holds=found.holds,
        records_in_window=len(found.in_window),
        needs_records=measure.get("needs_records", False),
        last_problem=last if measure["met_when"] == "absent" else None,
        agency=" or ".join(agencies),
    )
    evidence = [{**r, "in_window": r["record"] in window_keys, "counted": r["record"] in counted_keys}
                for r in history]
    return verdict, evidence
