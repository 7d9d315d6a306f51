"""A small streaming XLSX writer for long plain lists (Annex A): text, whole numbers and dates.

openpyxl builds a cell object and a style per value, about half a millisecond a row – 20 seconds
for a real borough's 40,000 Annex A rows. Annex A needs none of that: a bold heading row, frozen,
column widths, and dates shown DD/MM/YYYY. This writes the sheet XML as text straight into the
zip (Office Open XML, ECMA-376 part 1, SpreadsheetML), the same workbook openpyxl and Excel read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system (after its 1900 leap bug)
# Styles: 0 plain, 1 a date shown DD/MM/YYYY, 2 bold (the heading).
DATE, BOLD = 1, 2
STYLES = (
    f'{XML}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# Characters XML 1.0 cannot hold (control characters other than tab and newlines).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell(value, style: int = 0) -> str:
    """A cell's XML. Cells carry no reference (r="B7"): the format allows leaving it out, a
    cell then being the one after the previous in its row – so a value's XML is the same in
    every row and column, and is built once (_Cells, or the caller's own templates). No value is
    an empty cell, which keeps its place."""
    s = f' s="{style}"' if style else ""
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):  # shown as its day
        value = value.date()
    if isinstance(value, dt.date):
        return f'<c s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f"<c{s}><v>{value}</v></c>"
    return text_cell(str(value), s)


def text_cell(value: str, style: str = "") -> str:
    """A text cell's XML (`style` as cell() writes it): for callers that know they hold text."""
    text = escape(ILLEGAL.sub("", value))
    return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


class _Cells:
    """Cell XML by value: labels, dates, ages and IDs repeat down a list, each is built once.
    Text and dates are their own keys (no other value equals them); other values are keyed by
    type as well (1, 1.0 and True are equal keys in a dict). A tuple in a row is a run of cells
    that repeats as a whole (a child's columns on each of their rows): its XML is built once too."""

    def __init__(self, style: int = 0):
        self.style, self.memo = style, {}

    def row(self, values) -> str:
        memo = self.memo
        out = []
        for value in values:
            kind = type(value)
            key = value if kind is str or kind is dt.date else (kind, value)
            xml = memo.get(key)
            if xml is None:
                xml = memo[key] = self.row(value) if kind is tuple else cell(value, self.style)
            out.append(xml)
        return "".join(out)


class Sheet:
    """A sheet of a heading row and rows of values (or tuples of values, see _Cells) – or of
    strings: a row's cells already written as XML (with cell()), put in as they are."""

    def __init__(self, title: str, headers: list[str], rows, widths: list[float]):
        self.title, self.headers, self.rows, self.widths = title, headers, rows, widths

    def xml(self) -> str:
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths))
        parts = [
            f'{XML}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>",
            f'<row r="1">{_Cells(BOLD).row(self.headers)}</row>',
        ]
        cells = _Cells()
        parts.extend(f'<row r="{number}">{row if type(row) is str else cells.row(row)}</row>'
                     for number, row in enumerate(self.rows, start=2))
        parts.append("</sheetData></worksheet>")
        return "".join(parts)


def workbook(sheets: list[Sheet]) -> bytes:
    """The XLSX file: a workbook, its styles and one worksheet per sheet, in order."""
    names = "".join(
        f'<sheet name="{escape(s.title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"))
        z.writestr("_rels/.rels", (
            f'{XML}<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{names}</sheets>'
            "</workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'{XML}<Relationships xmlns="{PACKAGE_RELS}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{RELS}/styles" '
            'Target="styles.xml"/></Relationships>'))
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet.xml())
    return buffer.getvalue()
