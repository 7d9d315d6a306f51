"""Reading an agency's file (CSV or XLSX) as a table of text, every cell as the file holds it.

Kept apart from the schema checks (imports.py), which need Django's code lists: `earlyhelp
link` reads files with this module alone and runs without Django.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


@dataclass
class RowError:
    row: int | None  # None: a problem with the file itself (e.g. a missing column)
    column: str
    reason: str

    def __str__(self):
        where = f"row {self.row}" if self.row is not None else "file"
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: {self.reason}"


class ImportRefused(Exception):
    """The file cannot be imported. `errors` lists every problem found."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        super().__init__(message)
        self.errors = errors or []


def header_name(raw: str) -> str:
    """A column heading as the files are read: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", (raw or "").strip().lower())


def read_rows(path: Path, progress: Callable[[str], None] | None = None) -> tuple[pa.Table, list]:
    """Every cell as text, in file order, with `_row` = the spreadsheet row number."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table, bad = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table, bad = _read_xlsx(path, progress)
    else:
        raise ImportRefused(f"{path.name}: only CSV and XLSX files can be imported")
    names = [header_name(n) for n in table.column_names]
    table = table.rename_columns(names)
    rows = pa.array(range(2, table.num_rows + 2), pa.int64())
    return table.append_column("_row", rows), bad


def _read_csv(path: Path) -> tuple[pa.Table, list[RowError]]:
    bad: list[RowError] = []

    def invalid_row(row):
        where = row.number if row.number is not None else None
        bad.append(
            RowError(
                where,
                "",
                f"has {row.actual_columns} values where the header has {row.expected_columns}",
            )
        )
        return "skip"

    with open(path, "rb") as handle:
        head = handle.readline().decode("utf-8-sig", errors="replace")
    header = next(
        iter(
            pacsv.read_csv(
                pa.py_buffer(head.encode()),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            ).to_pylist()
        ),
        {},
    )
    columns = [str(v) for v in header.values()] if header else []
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf8", block_size=1 << 24),
            parse_options=pacsv.ParseOptions(invalid_row_handler=invalid_row),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in columns},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ImportRefused(f"{path.name} is not a readable CSV file: {exc}") from exc
    if any(error.row is None for error in bad):
        bad = _ragged_rows(path, len(columns))
    return table, bad


def _ragged_rows(path: Path, expected: int) -> list[RowError]:
    """Arrow reads in parallel and cannot say which row was ragged: find them again, in order."""
    import csv

    found = []
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for record in reader:
            if record and len(record) != expected:
                found.append(
                    RowError(
                        reader.line_num,
                        "",
                        f"has {len(record)} values where the header has {expected}",
                    )
                )
    return found


def _read_xlsx(path: Path, progress) -> tuple[pa.Table, list[RowError]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(f"{path.name} is not a readable XLSX file: {exc}") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v) if v is not None else "" for v in next(rows, ())]
    columns: list[list[str]] = [[] for _ in header]
    for count, row in enumerate(rows, start=1):
        for index in range(len(header)):
            value = row[index] if index < len(row) else None
            columns[index].append(_cell_text(value))
        if progress and count % 100_000 == 0:
            progress(f"read {count:,} rows")
    book.close()
    return pa.table(
        {name: pa.array(values, pa.string()) for name, values in zip(header, columns, strict=True)}
    ), []


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
