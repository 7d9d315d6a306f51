"""The chronology as a printable PDF, drawn with ReportLab as the board report is (pure Python:
no browser, no network). A table with its header row repeated on every page."""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from earlyhelp.core.dates import long_date


def chronology_pdf(*, title: str, events, printed_by: str, printed_on,
                   households: bool = False, scope: str = "") -> bytes:
    """`households`: a Household column (a child's chronology spans households); `scope` says
    what the chronology holds (the filter chosen on the page)."""
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title, author="earlyhelp")
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(f"OFFICIAL-SENSITIVE. Printed {long_date(printed_on)} by {printed_by}. "
                         f"{scope or 'Significant events'}, oldest first."), styles["Normal"]),
    ]
    headers = ["Date", "Event", "Detail", "Episode"] + (["Household"] if households else [])
    rows = [[Paragraph(f"<b>{h}</b>", cell) for h in headers]]
    for event in events:
        values = [long_date(event.on), event.what, event.detail, event.episode]
        if households:
            values.append(event.household)
        rows.append([Paragraph(escape(v), cell) for v in values])
    if len(rows) == 1:
        rows.append([Paragraph("No events recorded yet.", cell)] + [""] * (len(headers) - 1))
    widths = ([26 * mm, 45 * mm, 64 * mm, 20 * mm, 25 * mm] if households
              else [28 * mm, 55 * mm, 75 * mm, 22 * mm])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    document.build(story)
    return buffer.getvalue()
