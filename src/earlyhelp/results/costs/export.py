"""The XLSX behind a cost avoidance total: a summary sheet (totals, caveats) and every line –
family, record, date, window, units, unit cost, price year, uprated value."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINE_HEAD = ["Group", "Family or household", "Unit cost", "Agency", "Cashable", "Record",
             "Date", "End date", "Window", "Units", "Unit cost (£, price year)", "Price year",
             "Unit cost uprated (£)", "Value (£)"]


def _sheet(book, title, head):
    sheet = book.create_sheet(title)
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def workbook(result, *, title: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    summary = _sheet(book, "Summary", [title, ""])
    summary.append(["Price year", f"{result.price_year}–{(result.price_year + 1) % 100:02d}"])
    summary.append(["Months before and after", result.months])
    summary.append(["Data as of", result.data_as_of])
    summary.append([])
    summary.append(["", "Before (£)", "After (£)", "Avoided (£)", "Families"])
    groups = [("Cohort", result.cohort)]
    if result.comparison is not None:
        groups.append(("Comparison group", result.comparison))
    for label, group in groups:
        summary.append([label, group.total.before, group.total.after, group.total.avoided,
                        group.families])
    if result.net is not None:
        summary.append(["Net of the comparison group", None, None, result.net])
    summary.append([])
    summary.append(["Agency (cohort)", "Before (£)", "After (£)", "Avoided (£)"])
    for agency, split in result.cohort.agencies():
        summary.append([agency, split.before, split.after, split.avoided])
    for kind, split in result.cohort.cashable():
        summary.append([kind, split.before, split.after, split.avoided])
    summary.append([])
    summary.append(["Caveats"])
    for caveat in result.caveats:
        summary.append([caveat])
    lines = _sheet(book, "Lines", LINE_HEAD)
    for ln in result.lines:
        lines.append([ln.group, ln.family, ln.cost, ln.agency, "Yes" if ln.cashable else "No",
                      ln.record, ln.start, ln.end, ln.window, ln.units, ln.unit_value,
                      ln.price_year, ln.uprated_unit, ln.value])
    for sheet in (summary, lines):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
