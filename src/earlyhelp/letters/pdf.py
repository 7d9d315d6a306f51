"""A letter as a PDF, drawn with ReportLab as the chronology is (pure Python: no browser, no
network). The text is the template's, placeholders already filled; every character is escaped
so nothing in it is read as ReportLab markup."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


def paragraphs(text: str) -> list[str]:
    """Blank lines part paragraphs; single line breaks stay inside one."""
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b.strip()]


def letter_pdf(*, title: str, text: str) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("letter", fontSize=11, leading=15, spaceAfter=8)
    marking = styles["Normal"].clone("marking", fontSize=8, alignment=2)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=title, author="earlyhelp")
    story = [Paragraph("OFFICIAL-SENSITIVE", marking), Spacer(1, 10 * mm)]
    for block in paragraphs(text):
        story.append(Paragraph(escape(block).replace("\n", "<br/>"), body))
    document.build(story)
    return buffer.getvalue()
