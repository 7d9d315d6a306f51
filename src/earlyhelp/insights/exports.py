"""CSV and XLSX downloads of any view: the dashboard, an indicator's page, a drill-down list."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import formatting
from .rules import RAG_LABELS

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str  # also the XLSX sheet name (first 31 characters)
    headers: list[str]
    rows: list[list]


def _csv_cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def to_csv(tables: list[Table]) -> bytes:
    """One table per block, each after its title; a blank line between blocks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_csv_cell(v) for v in row])
    # A byte-order mark so Excel opens UTF-8 (en dashes, £) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used = set()
    for table in tables:
        name = table.title[:31].replace("/", "-").replace(":", "")
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        for index, header in enumerate(table.headers):
            sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, len(header) + 2)
        heading = []
        for header in table.headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in table.rows:
            out = []
            for value in row:
                if isinstance(value, dt.datetime):
                    local = timezone.localtime(value).replace(tzinfo=None)
                    cell = WriteOnlyCell(sheet, value=local)
                    cell.number_format = "DD/MM/YYYY HH:MM"
                    value = cell
                elif isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    value = cell
                out.append(value)
            sheet.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dashboard_tables(rows, scope_label: str, filters_label: str) -> list[Table]:
    current = Table(
        "Dashboard",
        ["Indicator", "Code", "Period", "Value", "Unit", "Target", "Red threshold", "RAG",
         "Previous period", "Previous value", "Movement", "Numerator", "Denominator", "Scope",
         "Filters", "Note"],
        [],
    )
    trend = Table("Trend", ["Indicator", "Code", "Period", "Period start", "Value",
                            "Numerator", "Denominator"], [])
    for row in rows:
        d, r, unit = row.definition, row.result, row.definition.unit
        current.rows.append([
            d.name, d.code, row.period.label, formatting.plain(unit, row.value),
            d.get_unit_display(), formatting.plain(unit, row.target),
            formatting.plain(unit, row.red_threshold),
            RAG_LABELS[row.rag] if row.target is not None and not row.unavailable else "",
            (row.comparison or row.period.previous()).label,
            formatting.plain(unit, row.previous.value if row.previous else None),
            row.movement or "", r.numerator if r else None, r.denominator if r else None,
            scope_label, filters_label, row.unavailable,
        ])
        for period, result in row.trend:
            trend.rows.append([
                d.name, d.code, period.label, period.start,
                formatting.plain(unit, result.value if result else None),
                result.numerator if result else None, result.denominator if result else None,
            ])
    return [current, trend]


def indicator_tables(row, breakdown_rows, by_label: str | None) -> list[Table]:
    d, unit = row.definition, row.definition.unit
    tables = [Table(
        "Trend", ["Period", "Period start", "Value", "Numerator", "Denominator", "RAG"],
        [[p.label, p.start, formatting.plain(unit, r.value if r else None),
          r.numerator if r else None, r.denominator if r else None,
          RAG_LABELS[_rag(row, p, r)] if d.target is not None else ""]
         for p, r in row.trend],
    )]
    if row.result and row.result.parts:
        tables.append(Table(
            "Parts", ["Group", "Part", "Value", "Share of the whole (%)"],
            [[part.group, part.label,
              formatting.plain(unit if part.unit == "value" else part.unit, part.value),
              formatting.plain("percent", part.share)] for part in row.result.parts],
        ))
    if breakdown_rows:
        tables.append(Table(
            f"By {by_label.lower()}", [by_label, "Value", "Numerator", "Denominator", "RAG"],
            [[b.label, formatting.plain(unit, b.result.value if b.result else None),
              b.result.numerator if b.result else None,
              b.result.denominator if b.result else None,
              RAG_LABELS[b.rag] if d.target is not None else ""] for b in breakdown_rows],
        ))
    return tables


def _rag(row, period, result):
    """The RAG of one period's figure: a count judged against that period's target (to date,
    while it is in progress)."""
    from .rules import rag_status

    return rag_status(row.definition, result.value if result else None, period.months,
                      period.share_elapsed())
