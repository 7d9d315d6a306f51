"""Reading and checking a source file against its declared schema, then staging it as Parquet.

The whole file is checked before anything is written. Every bad row is reported with its row
number (the header is row 1, as a spreadsheet shows it), the column and the reason. A good file
is written as one typed Parquet file; services.import_batch records it as a SourceBatch.

The checks run in DuckDB over the whole file at once (a million rows in seconds), never row by
row in Python.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

# Reading the file needs no Django: it lives in reading.py (earlyhelp link uses it alone).
from .reading import ImportRefused, RowError, read_rows  # noqa: F401 (ImportRefused: the API)
from .sources import Column, SourceType

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
POSTCODE_RE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
TRUE_WORDS = ("Y", "YES", "TRUE", "1")
FALSE_WORDS = ("N", "NO", "FALSE", "0")


@dataclass
class CheckedFile:
    source_type: SourceType
    rows: int
    errors: list[RowError] = field(default_factory=list)
    table: pa.Table | None = None  # the typed rows, when there are no errors
    period: tuple[dt.date | None, dt.date | None] = (None, None)

    @property
    def ok(self) -> bool:
        return not self.errors


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- the checks ------------------------------------------------------------------------------


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _date_sql(col: str) -> str:
    text = f"trim({col})"
    return f"coalesce(try_strptime({text}, '%Y-%m-%d'), try_strptime({text}, '%d/%m/%Y'))::DATE"


def _typed_sql(column: Column) -> str:
    """The column's value in its type, NULL when blank."""
    col = f"nullif(trim(\"{column.name}\"), '')"
    match column.type:
        case "date":
            return _date_sql(col)
        case "int":
            return f"TRY_CAST({col} AS BIGINT)"
        case "decimal":
            return f"TRY_CAST(replace(replace({col}, '£', ''), ',', '') AS DECIMAL(18, 2))"
        case "bool":
            return (
                f"CASE WHEN upper({col}) IN ({', '.join(map(_quote, TRUE_WORDS))}) THEN true "
                f"WHEN upper({col}) IN ({', '.join(map(_quote, FALSE_WORDS))}) THEN false END"
            )
        case "nhs_number":
            return f"regexp_replace({col}, '[\\s-]', '', 'g')"
        case "upn" | "postcode":
            return f"upper({col})"
        case _:
            return col


def _nhs_valid_sql(value: str) -> str:
    weights = " + ".join(
        f"CAST(substr({value}, {i}, 1) AS INTEGER) * {11 - i}" for i in range(1, 10)
    )
    check = f"(11 - ({weights}) % 11)"
    return (
        f"(regexp_matches({value}, '^[0-9]{{10}}$') AND {check} <> 10 "
        f"AND (CASE WHEN {check} = 11 THEN 0 ELSE {check} END) "
        f"= CAST(substr({value}, 10, 1) AS INTEGER))"
    )


def _upn_valid_sql(value: str) -> str:
    def char_value(i):
        ch = f"substr({value}, {i}, 1)"
        return (
            f"(CASE WHEN {ch} BETWEEN '0' AND '9' THEN CAST({ch} AS INTEGER) "
            f"ELSE instr('{UPN_LETTERS}', {ch}) - 1 END) * {i}"
        )

    total = " + ".join(char_value(i) for i in range(2, 14))
    return (
        f"(regexp_matches({value}, '^[A-HJ-NP-RT-Z][0-9]{{11}}[0-9A-HJ-NP-RT-Z]$') "
        f"AND substr('{UPN_LETTERS}', (({total}) % 23) + 1, 1) = substr({value}, 1, 1))"
    )


def _reason_sql(column: Column) -> str:
    """SQL giving the reason a cell is bad, or NULL when it is fine."""
    raw = f"nullif(trim(\"{column.name}\"), '')"
    typed = _typed_sql(column)
    checks = []
    if column.required:
        checks.append((f"{raw} IS NULL", "is required"))
    checks.append(
        (f"length({raw}) > {column.max_length}", f"is longer than {column.max_length} characters")
    )
    match column.type:
        case "date":
            checks.append(
                (
                    f"{raw} IS NOT NULL AND {typed} IS NULL",
                    "is not a date (use 2025-09-01 or 01/09/2025)",
                )
            )
            checks.append((f"{typed} > current_date + INTERVAL 1 YEAR", "is too far in the future"))
            checks.append((f"{typed} < DATE '1900-01-01'", "is before 1900"))
        case "int":
            checks.append((f"{raw} IS NOT NULL AND {typed} IS NULL", "is not a whole number"))
            checks.append((f"{typed} < 0", "is negative"))
        case "decimal":
            checks.append((f"{raw} IS NOT NULL AND {typed} IS NULL", "is not a number"))
        case "bool":
            checks.append((f"{raw} IS NOT NULL AND {typed} IS NULL", "is not Y or N"))
        case "code":
            codes = ", ".join(map(_quote, column.codes))
            shown = ", ".join(list(column.codes)[:12])
            checks.append(
                (
                    f"{raw} IS NOT NULL AND {raw} NOT IN ({codes})",
                    f"is not one of the codes: {shown}",
                )
            )
        case "nhs_number":
            checks.append(
                (
                    f"{raw} IS NOT NULL AND NOT {_nhs_valid_sql(typed)}",
                    "is not a valid NHS number (10 digits with a check digit)",
                )
            )
        case "upn":
            checks.append(
                (
                    f"{raw} IS NOT NULL AND NOT {_upn_valid_sql(typed)}",
                    "is not a valid UPN (a check letter then 12 characters)",
                )
            )
        case "postcode":
            checks.append(
                (
                    f"{raw} IS NOT NULL AND NOT regexp_matches({typed}, '{POSTCODE_RE}')",
                    "is not a UK postcode",
                )
            )
    whens = " ".join(f"WHEN {cond} THEN {_quote(reason)}" for cond, reason in checks)
    # The value (cut short) helps a person find the cell; identifiers are not echoed back.
    return f"CASE {whens} END"


def check_file(
    path: Path,
    source_type: SourceType,
    *,
    progress: Callable[[str], None] | None = None,
) -> CheckedFile:
    """Read and check a whole file. Returns every problem, or the typed rows when there are none."""
    say = progress or (lambda message: None)
    say(f"reading {path.name}")
    raw, errors = read_rows(path, say)
    rows = raw.num_rows
    say(f"read {rows:,} rows; checking")
    present = [name for name in raw.column_names if name != "_row"]
    expected = source_type.column_names
    for name in expected:
        if name not in present and source_type.column(name).required:
            errors.append(RowError(None, name, "required column is missing from the header"))
    for name in present:
        if name not in expected:
            errors.append(
                RowError(
                    None,
                    name,
                    f"is not a column of {source_type.name} (expected: {', '.join(expected)})",
                )
            )
    if len(set(present)) != len(present):
        errors.append(RowError(None, "", "the header names a column twice"))
    if any(e.row is None for e in errors):
        return CheckedFile(source_type, rows, errors)
    for name in expected:  # optional columns may be left out of the file altogether
        if name not in present:
            raw = raw.append_column(name, pa.array([""] * rows, pa.string()))

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register("raw", raw)
    columns = source_type.columns
    reasons = ", ".join(f'{_reason_sql(c)} AS "{c.name}"' for c in columns)
    con.execute(f"CREATE TEMP TABLE reasons AS SELECT _row, {reasons} FROM raw")
    cell_errors = con.execute(
        "SELECT _row, column_name, reason FROM (UNPIVOT reasons ON "
        + ", ".join(f'"{c.name}"' for c in columns)
        + " INTO NAME column_name VALUE reason) ORDER BY _row"
    ).fetchall()
    errors += [RowError(r, c, reason) for r, c, reason in cell_errors]
    duplicates = con.execute(
        "SELECT _row, record_id FROM (SELECT _row, trim(record_id) AS record_id, "
        "count(*) OVER (PARTITION BY trim(record_id)) AS n FROM raw) "
        "WHERE n > 1 AND record_id <> '' ORDER BY _row"
    ).fetchall()
    errors += [
        RowError(r, "record_id", f"{rid!r} appears more than once in the file")
        for r, rid in duplicates
    ]
    typed_columns = ", ".join(f'{_typed_sql(c)} AS "{c.name}"' for c in columns)
    con.execute(f"CREATE TEMP TABLE typed AS SELECT _row, {typed_columns} FROM raw")
    for names, condition, message in source_type.checks:
        failing = con.execute(f"SELECT _row FROM typed WHERE NOT ({condition}) ORDER BY _row")
        errors += [RowError(r, " and ".join(names), message) for (r,) in failing.fetchall()]
    errors.sort(key=lambda e: (e.row or 0, e.column))
    if errors:
        return CheckedFile(source_type, rows, errors)
    if rows == 0:
        return CheckedFile(source_type, 0, [RowError(None, "", "the file has no rows")])
    start, end = source_type.date_column, source_type.end_column or source_type.date_column
    period = con.execute(f'SELECT min("{start}"), max(coalesce("{end}", "{start}")) FROM typed')
    first, last = period.fetchall()[0]
    table = con.sql("SELECT * FROM typed ORDER BY _row").to_arrow_table()
    say(f"checked {rows:,} rows: no problems")
    return CheckedFile(source_type, rows, [], table, (first, last))
