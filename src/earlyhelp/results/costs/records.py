"""The service use a cohort's families had: their linked agency records (read from a targeting
run's tables, the same linkage that found them) and their casework events, for the unit costs
that price them."""

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
from django.core.exceptions import ValidationError

from earlyhelp.cases.models import Transition, TransitionKind
from earlyhelp.targeting.sources import SOURCE_TYPES


@dataclass(frozen=True)
class Use:
    """One record or event: whose, which, and its dates (end None for an event or open)."""

    key: str  # the household key or the earlyhelp family id it belongs to
    record: str
    start: dt.date
    end: dt.date | None


def check_unit_cost(cost) -> None:
    """A unit cost prices a known kind of record, with codes that record kind has."""
    if cost.record_source:
        source = SOURCE_TYPES.get(cost.record_source)
        if source is None:
            raise ValidationError({"record_source": f"No agency records of kind "
                                   f"'{cost.record_source}'. Choose one of: "
                                   f"{', '.join(sorted(SOURCE_TYPES))}"})
        if cost.unit != "each" and not source.end_column:
            raise ValidationError({"unit": f"{source.name} records have no end date: price "
                                   "them per record"})
        if cost.codes or cost.code_column:
            try:
                column = source.column(cost.code_column)
            except KeyError:
                column = None
            if column is None or column.codes is None:
                raise ValidationError({"code_column": f"{source.name} records have no code "
                                       f"column '{cost.code_column}'"})
            unknown = sorted(set(cost.codes) - set(column.codes))
            if unknown or not cost.codes:
                raise ValidationError({"codes": f"Codes of {column.label}: "
                                       f"{', '.join(column.codes)}"})
    elif cost.casework_event:
        if cost.unit != "each":
            raise ValidationError({"unit": "A casework event is priced per event"})
    else:
        raise ValidationError("Say what the unit cost prices: a kind of agency record or a "
                              "casework event")


def record_uses(con, cost, households: list[str], first: dt.date, last: dt.date) -> list[Use]:
    """Every record of the kind `cost` prices that belongs to one of `households` and touches
    [first, last]. No records of that kind in the run: none."""
    source = SOURCE_TYPES[cost.record_source]
    table = f"src_{source.code}"
    present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if table not in present or not households:
        return []
    con.register("cost_households_in",
                 pa.table({"household_key": pa.array(households, pa.string())}))
    con.execute("CREATE OR REPLACE TEMP TABLE cost_households AS "
                "SELECT * FROM cost_households_in")
    con.unregister("cost_households_in")
    start = f's."{source.date_column}"'
    end = f's."{source.end_column}"' if source.end_column else "NULL"
    where, params = [f"{start} <= ?", f"coalesce({end}, ?) >= ?"], [last, last, first]
    if cost.codes:
        where.append(f's."{cost.code_column}" IN (SELECT unnest(?::VARCHAR[]))')
        params.append(list(cost.codes))
    rows = con.execute(
        f"""SELECT DISTINCT hm.household_key, s.record_key, {start}, {end}
            FROM {table} s
            JOIN person_of_record USING (record_key)
            JOIN household_members hm USING (person_key)
            JOIN cost_households USING (household_key)
            WHERE {' AND '.join(where)}
            ORDER BY 1, 3, 2""", params).fetchall()
    return [Use(key=h, record=r, start=s, end=e) for h, r, s, e in rows]


def casework_uses(cost, family_ids: list, first: dt.date, last: dt.date) -> list[Use]:
    """The casework events `cost` prices for these families in [first, last]."""
    if cost.casework_event != "step_up" or not family_ids:
        return []
    rows = (Transition.objects.filter(kind=TransitionKind.STEP_UP, family_id__in=family_ids,
                                      date__range=(first, last))
            .order_by("family_id", "date").values_list("family_id", "pk", "date"))
    return [Use(key=str(f), record=f"step-up {pk}", start=d, end=None) for f, pk, d in rows]
