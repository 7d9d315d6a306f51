"""Criteria as data: each criterion is a rule over linked source records with a time window.

A rule (Criterion.rule) is JSON:

    {"who": "child",                      # whose records count: child, adult, any
     "any_of": [                          # the criterion is met when any condition is
        {"source": "school_attendance",   # a source type
         "measure": "ratio",              # count (default), ratio or active
         "numerator": "sessions_unauthorised", "denominator": "sessions_possible",
         "at_least": 0.10,                # count: records (default 1); ratio: the share
         "where": {"exclusion_type": ["FIXD"]},   # optional: column in values, or a
                                                  # range {"at_least": 7, "at_most": 10}
         "window_months": 12}             # the months up to the reference date
     ]}

- count:  at least N of the person's records dated in the window;
- ratio:  over the person's records in the window, sum(numerator) / sum(denominator) >= x;
- active: a record whose period (its date to its end date, or still open) overlaps the window
          (with window_months 0: covers the reference date itself).

A condition without a source asks only that the household has such a member (used by family
conditions, e.g. "has a dependent child or an expected baby").

The window follows rules.window_start: both ends count. A family (household) meets a criterion
when one of its members does; the evidence is every record that counted.
"""

import datetime as dt

import duckdb
from django.core.exceptions import ValidationError

from . import rules
from .sources import SOURCE_TYPES

WHO = {"child": ("child",), "adult": ("adult",), "any": ("child", "adult"), "unborn": ("unborn",)}
MEASURES = ("count", "ratio", "active")


def validate_rule(rule: dict, *, family_condition: bool = False, sources=None) -> None:
    """Raise ValidationError naming every problem in a rule. `sources`: the source types a rule
    may read (default: the agency sources; results adds casework's)."""
    sources = SOURCE_TYPES if sources is None else sources
    problems = []
    if not isinstance(rule, dict):
        raise ValidationError("A rule is an object with 'who' and 'any_of'")
    if rule.get("who", "any") not in WHO:
        problems.append(f"'who' must be one of {', '.join(WHO)}")
    conditions = rule.get("any_of")
    if not isinstance(conditions, list) or not conditions:
        problems.append("'any_of' must list at least one condition")
        conditions = []
    for number, condition in enumerate(conditions, start=1):
        where = f"condition {number}"
        if not isinstance(condition, dict):
            problems.append(f"{where} must be an object")
            continue
        who = condition.get("who", rule.get("who", "any"))
        if who not in WHO:
            problems.append(f"{where}: 'who' must be one of {', '.join(WHO)}")
        source_code = condition.get("source")
        if source_code is None:
            if not family_condition:
                problems.append(f"{where} needs a 'source'")
            continue
        source = sources.get(source_code)
        if source is None:
            problems.append(f"{where}: unknown source {source_code!r} (one of "
                            f"{', '.join(sorted(sources))})")
            continue
        measure = condition.get("measure", "count")
        if measure not in MEASURES:
            problems.append(f"{where}: 'measure' must be one of {', '.join(MEASURES)}")
        if measure == "ratio":
            for key in ("numerator", "denominator"):
                if condition.get(key) not in source.column_names:
                    problems.append(f"{where}: '{key}' must be a column of {source_code}")
        for column, values in (condition.get("where") or {}).items():
            if column not in source.column_names:
                problems.append(f"{where}: {source_code} has no column {column!r} (one of "
                                f"{', '.join(source.column_names)})")
            elif isinstance(values, dict):
                problems += _range_problems(f"{where}: {column}", values,
                                            source.column(column).type)
        months = condition.get("window_months", 12)
        if not isinstance(months, int) or months < 0:
            problems.append(f"{where}: 'window_months' must be a whole number of months")
        at_least = condition.get("at_least", 1)
        if not isinstance(at_least, int | float) or at_least < 0:
            problems.append(f"{where}: 'at_least' must be a number")
    if problems:
        raise ValidationError(problems)


RANGE_KEYS = ("at_least", "at_most")


def _range_problems(where: str, bounds: dict, column_type: str) -> list[str]:
    """A `where` range: {"at_least": x} and/or {"at_most": y}, numbers (both ends count), on a
    column of numbers."""
    if column_type not in ("int", "decimal"):
        return [f"{where}: a range needs a column of numbers"]
    if not bounds or set(bounds) - set(RANGE_KEYS):
        return [f"{where}: a range takes 'at_least' and/or 'at_most'"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in bounds.values()):
        return [f"{where}: a range's bounds must be numbers"]
    return []


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _condition_sql(condition: dict, who: str, reference: dt.date, sources) -> str:
    """SELECT household_key, person_key, record_key for the records that meet a condition."""
    kinds = ", ".join(_literal(k) for k in WHO[condition.get("who", who)])
    source_code = condition.get("source")
    if source_code is None:  # a member of this kind is enough
        return (
            "SELECT household_key, person_key, NULL AS record_key FROM household_members "
            f"WHERE member_kind IN ({kinds})"
        )
    source = sources[source_code]
    months = condition.get("window_months", 12)
    start = rules.window_start(reference, months) if months else reference
    ref, since = f"DATE '{reference}'", f"DATE '{start}'"
    date_col, end_col = f's."{source.date_column}"', None
    if source.end_column:
        end_col = f's."{source.end_column}"'
    filters = [f"hm.member_kind IN ({kinds})"]
    for column, values in (condition.get("where") or {}).items():
        if isinstance(values, dict):  # a range
            if "at_least" in values:
                filters.append(f's."{column}" >= {_literal(values["at_least"])}')
            if "at_most" in values:
                filters.append(f's."{column}" <= {_literal(values["at_most"])}')
            continue
        values = values if isinstance(values, list) else [values]
        filters.append(f's."{column}" IN ({", ".join(_literal(v) for v in values)})')
    measure = condition.get("measure", "count")
    if measure == "active":
        ends = f"coalesce({end_col}, {ref})" if end_col else date_col
        filters.append(f"{date_col} <= {ref} AND {ends} >= {since}")
    else:
        filters.append(f"{date_col} BETWEEN {since} AND {ref}")
    at_least = condition.get("at_least", 1)
    if measure == "ratio":
        num, den = condition["numerator"], condition["denominator"]
        test = (
            f'sum(s."{num}") OVER w >= {float(at_least)} * sum(s."{den}") OVER w '
            f'AND sum(s."{den}") OVER w > 0'
        )
    else:
        test = f"count(*) OVER w >= {int(at_least)}"
    return f"""
        SELECT household_key, person_key, record_key FROM (
            SELECT hm.household_key, hm.person_key, s.record_key, {test} AS met
            FROM src_{source_code} s
            JOIN person_of_record pr ON pr.record_key = s.record_key
            JOIN household_members hm ON hm.person_key = pr.person_key
            WHERE {" AND ".join(filters)}
            WINDOW w AS (PARTITION BY hm.person_key)
        ) WHERE met"""


def rule_sql(rule: dict, reference: dt.date, tables: set[str] | None = None,
             sources=None) -> str | None:
    """The rule as one query; conditions over a source with no staged records are left out
    (they meet nothing). None when no condition is left. `sources` as for validate_rule."""
    who = rule.get("who", "any")
    sources = SOURCE_TYPES if sources is None else sources
    parts = [
        _condition_sql(c, who, reference, sources)
        for c in rule["any_of"]
        if tables is None or c.get("source") is None or f"src_{c['source']}" in tables
    ]
    return " UNION ALL ".join(f"({p})" for p in parts) if parts else None


def staged_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def eligible(met_by_group: dict[str, int], eligibility: list[dict]) -> bool:
    """Eligible when any alternative is satisfied: {group: minimum met} for every group named."""
    return any(
        all(met_by_group.get(group, 0) >= minimum for group, minimum in alternative.items())
        for alternative in eligibility
    )


def evaluate(
    con: duckdb.DuckDBPyConnection,
    criteria_set: dict,
    reference: dt.date,
) -> list[dict]:
    """Apply one criteria set. Leaves its evidence in `evidence_<code>`; returns one dict per
    household that meets at least one criterion:
    {household_key, criteria_met: [codes], met_by_group, eligible}."""
    code = criteria_set["code"]
    table = f"evidence_{code.replace('-', '_')}"
    tables = staged_tables(con)
    parts = []
    for criterion in criteria_set["criteria"]:
        sql = rule_sql(criterion["rule"], reference, tables)
        if sql:
            parts.append(f"SELECT {_literal(criterion['code'])} AS criterion, * FROM ({sql})")
    if parts:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT * FROM ("
            + " UNION ALL ".join(parts)
            + ")"
        )
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} (criterion VARCHAR, household_key VARCHAR, "
            "person_key VARCHAR, record_key VARCHAR)"
        )
    groups = {c["code"]: c.get("group", "headline") for c in criteria_set["criteria"]}
    order = {c["code"]: i for i, c in enumerate(criteria_set["criteria"])}
    family_ok = None
    if criteria_set.get("family_condition"):
        sql = rule_sql(criteria_set["family_condition"], reference, tables)
        family_ok = set()
        if sql:
            rows = con.execute(f"SELECT DISTINCT household_key FROM ({sql})").fetchall()
            family_ok = {row[0] for row in rows}
    rows = con.execute(
        f"SELECT household_key, list(DISTINCT criterion) FROM {table} GROUP BY household_key"
    ).fetchall()
    found = []
    for household_key, met in rows:
        met = sorted(met, key=order.get)
        by_group: dict[str, int] = {}
        for criterion in met:
            by_group[groups[criterion]] = by_group.get(groups[criterion], 0) + 1
        ok = eligible(by_group, criteria_set["eligibility"])
        if family_ok is not None and household_key not in family_ok:
            ok = False
        found.append(
            {
                "household_key": household_key,
                "criteria_met": met,
                "met_by_group": by_group,
                "eligible": ok,
            }
        )
    return found
