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


def chronology_pdf(*, family_name: str, events, printed_by: str, printed_on) -> bytes:
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=9, leading=11)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=f"Chronology: {family_name}", author="earlyhelp")
    story = [
        Paragraph(escape(f"Chronology: {family_name}"), styles["Title"]),
        Paragraph(escape(f"OFFICIAL-SENSITIVE. Printed {long_date(printed_on)} by {printed_by}. "
                         "Significant events, oldest first."), styles["Normal"]),
    ]
    rows = [[Paragraph(f"<b>{h}</b>", cell) for h in ("Date", "Event", "Detail", "Episode")]]
    for event in events:
        rows.append([Paragraph(escape(long_date(event.on)), cell),
                     Paragraph(escape(event.what), cell),
                     Paragraph(escape(event.detail), cell),
                     Paragraph(escape(event.episode), cell)])
    if len(rows) == 1:
        rows.append([Paragraph("No events recorded yet.", cell), "", "", ""])
    table = Table(rows, colWidths=[28 * mm, 55 * mm, 75 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    document.build(story)
    return buffer.getvalue()
