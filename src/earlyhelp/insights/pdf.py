"""The board report as a PDF, drawn with ReportLab (pure Python: no browser, no network).

RAG is written as a word in a coloured cell – never colour alone – and the table repeats its
header row on every page. Each indicator's trend is a small line chart drawn with ReportLab's own
graphics, with every figure it plots also written beneath it: a chart never carries a number
alone.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from earlyhelp.core import dates
from earlyhelp.core.dates import long_date

from . import formatting
from .pdfcharts import trend_drawing
from .rules import RAG_LABELS

RAG_COLOURS = {
    "red": colors.HexColor("#f4cdc6"),
    "amber": colors.HexColor("#fff2d3"),
    "green": colors.HexColor("#cce2d8"),
}
MOVEMENT_WORDS = {"better": "Better", "worse": "Worse", "same": "No change", "up": "Up",
                  "down": "Down", None: ""}


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], alignment=TA_LEFT, fontSize=20,
                                leading=24, spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=base["Normal"], fontSize=10,
                                  textColor=colors.HexColor("#505a5f"), spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=14, spaceBefore=8),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=10.5, leading=14,
                               spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=9, leading=11),
        "cell_bold": ParagraphStyle("cell_bold", parent=base["Normal"], fontSize=9, leading=11,
                                    fontName="Helvetica-Bold"),
    }


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def board_report_pdf(*, rows, summary: list[str], period, scope_label: str,
                     title: str = "Early help performance", plan: dict | None = None,
                     audits: dict | None = None, costs: dict | None = None) -> bytes:
    """`plan` and `audits` are the strategy app's sections as the board page shows them
    (strategy.selectors.board_section and audit_figures), or None for those who do not run the
    strategy; `costs` the results app's cost avoidance section (results.costs.selectors.
    board_section), or None for those who may not see it."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=15 * mm, bottomMargin=15 * mm, title=f"{title}: {period.label}",
        author="earlyhelp", subject="Report to the Children's Trust Board",
    )
    story = board_report_story(rows=rows, summary=summary, period=period,
                               scope_label=scope_label, title=title, plan=plan, audits=audits,
                               costs=costs)
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def board_report_story(*, rows, summary, period, scope_label, title="Early help performance",
                       plan=None, audits=None, costs=None) -> list:
    """The report's flowables, in the order the board page shows its sections."""
    styles = _styles()
    story = [
        Paragraph(_escape(f"{title}: {period.label}"), styles["title"]),
        Paragraph(_escape(
            f"Report to the Children's Trust Board. {scope_label}. "
            f"Produced {long_date(dates.today())} from the casework records."
        ), styles["caption"]),
        Paragraph("Summary", styles["h2"]),
        *[Paragraph(_escape(p), styles["body"]) for p in summary],
        Spacer(1, 4 * mm),
        Paragraph("Indicators", styles["h2"]),
    ]
    head = ["Indicator", "This period", "Target", "RAG", period.comparison().label, "Movement"]
    data = [[Paragraph(h, styles["cell_bold"]) for h in head]]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for index, row in enumerate(rows, start=1):
        unit = row.definition.unit
        rag_text = RAG_LABELS[row.rag] if row.rag else ("" if row.target is None else "–")
        data.append([
            Paragraph(_escape(row.definition.name), styles["cell"]),
            Paragraph(_escape(row.unavailable or formatting.figure(unit, row.value)),
                      styles["cell"]),
            Paragraph(_escape(formatting.figure(unit, row.target) if row.target is not None
                              else "Monitored"), styles["cell"]),
            Paragraph(_escape(rag_text), styles["cell_bold"]),
            Paragraph(_escape(formatting.figure(unit, row.previous.value)
                              if row.previous else "–"), styles["cell"]),
            Paragraph(_escape(MOVEMENT_WORDS.get(row.movement, "")), styles["cell"]),
        ])
        if row.rag in RAG_COLOURS:
            style.append(("BACKGROUND", (3, index), (3, index), RAG_COLOURS[row.rag]))
    table = Table(data, colWidths=[95 * mm, 30 * mm, 30 * mm, 22 * mm, 40 * mm, 28 * mm],
                  repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    story.append(table)
    story += _trend_story(rows, styles)
    if costs is not None:
        story += _cost_story(costs, styles)
    if plan is not None:
        story += _plan_story(plan, styles)
    if audits is not None:
        story += _audit_story(audits, styles)
    return story


def _footer(canvas, document):
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.HexColor("#505a5f"))
    canvas.drawRightString(document.pagesize[0] - document.rightMargin, 8 * mm,
                           f"Page {document.page}")
    canvas.drawString(document.leftMargin, 8 * mm,
                      "Produced by earlyhelp from the casework records")
    canvas.restoreState()


GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


def _table(head, body, widths, styles, extra=()):
    data = [[Paragraph(_escape(h), styles["cell_bold"]) for h in head]]
    data += [[Paragraph(_escape(str(cell)), styles["cell"]) for cell in row] for row in body]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(GRID + list(extra)))
    return table


def _plan_story(plan, styles):
    """The partnership's action plan: RAG by date (a word, in its colour) and by indicator."""
    counts = plan["counts"]
    story = [
        Spacer(1, 4 * mm),
        Paragraph("The partnership's action plan", styles["h2"]),
        Paragraph(_escape(f"Red {counts['red']}, amber {counts['amber']}, green "
                          f"{counts['green']}, done {counts['done']}."), styles["body"]),
    ]
    if not plan["rows"]:
        return story + [Paragraph("No items.", styles["body"])]
    body, extra = [], []
    for index, row in enumerate(plan["rows"], start=1):
        item = row.item
        indicator = "–"
        if item.indicator_id:
            value = "no figure" if row.indicator_value is None else row.indicator_value
            indicator = (f"{item.indicator.name}: {value} (target {item.indicator_target})"
                         f"{' – ' + row.rag_indicator.capitalize() if row.rag_indicator else ''}")
        body.append([item.outcome, f"{item.measure}. Target: {item.target}",
                     item.owner.display_name, long_date(item.due_on),
                     row.rag_date.capitalize(), indicator])
        if row.rag_date in RAG_COLOURS:
            extra.append(("BACKGROUND", (4, index), (4, index), RAG_COLOURS[row.rag_date]))
    return story + [_table(
        ["Outcome sought", "Measure and target", "Owner", "Date", "By date", "By indicator"],
        body, [70, 60, 35, 28, 20, 50], styles, extra)]


def _percent(share):
    return "–" if share.percent is None else f"{share.percent}%"


def _audit_story(audits, styles):
    """Case audits: the share graded good or better by team, and per question (themes)."""
    story = [Spacer(1, 4 * mm), Paragraph("Case audits", styles["h2"])]
    if not audits["teams"]:
        return story + [Paragraph("No audits graded in these months.", styles["body"])]
    teams = [[r.label, r.share.total, r.share.good, _percent(r.share)] for r in audits["teams"]]
    overall = audits["overall"]
    teams.append(["All teams", overall.total, overall.good, _percent(overall)])
    themes = [[r.label, r.share.total, r.share.good, _percent(r.share)]
              for r in audits["themes"]]
    head = ["Graded", "Good or better", "Share"]
    return story + [
        _table(["Team", *head], teams, [90, 30, 35, 25], styles),
        Spacer(1, 3 * mm),
        _table(["Question (themes)", *head], themes, [90, 30, 35, 25], styles),
    ]


TREND_COLUMNS = 3
TREND_WIDTH = 89 * mm  # three to a landscape A4 row


def _no_figure(row, value) -> str:
    return "no figure" if value is None else formatting.figure(row.definition.unit, value)


def _trend_cell(row, styles) -> list:
    """One indicator's trend: its name, the chart (or why there is none), and every figure the
    chart plots, in words."""
    head = Paragraph(_escape(row.definition.name), styles["cell_bold"])
    if row.unavailable:
        return [head, Paragraph(_escape(f"{row.unavailable}: no trend to show."), styles["cell"])]
    points = [(period, result.value if result else None) for period, result in row.trend]
    if not points or all(value is None for _, value in points):
        periods = (f"{points[0][0].short_label} to {points[-1][0].short_label}" if points
                   else "these periods")
        return [head, Paragraph(_escape(f"No figures for {periods}, so no chart."),
                                styles["cell"])]
    text = "; ".join(f"{period.short_label}: {_no_figure(row, value)}" for period, value in points)
    if row.target is not None:
        text += f". Target: {formatting.figure(row.definition.unit, row.target)}"
    return [head, trend_drawing(row.chart, row.definition.unit, width=TREND_WIDTH - 3 * mm),
            Paragraph(_escape(f"Figures: {text}."), styles["cell"])]


def _trend_story(rows, styles) -> list:
    """A small chart per indicator, three to a row, each with its figures written beneath."""
    cells = [_trend_cell(row, styles) for row in rows]
    if not cells:
        return []
    length = max((len(row.trend) for row in rows), default=0)
    kind = rows[0].period.kind
    grid = [cells[i:i + TREND_COLUMNS] for i in range(0, len(cells), TREND_COLUMNS)]
    grid[-1] += [""] * (TREND_COLUMNS - len(grid[-1]))
    table = Table(grid, colWidths=[TREND_WIDTH] * TREND_COLUMNS, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [
        Spacer(1, 4 * mm),
        Paragraph("Trends", styles["h2"]),
        Paragraph(_escape(
            f"Each indicator over the last {length} {TREND_KINDS.get(kind, 'periods')}, oldest "
            "first, against its target where it has one. The figures are written beneath each "
            "chart; a gap in a line is a period with no figure."), styles["body"]),
        table,
    ]


TREND_KINDS = {"month": "months", "quarter": "quarters", "year": "financial years"}


def _pounds(value) -> str:
    """Money as the results app's pages write it: £1,234.56, a minus sign for a rise in cost."""
    if value is None:
        return "–"
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def _cost_story(section, styles) -> list:
    """The results app's cost avoidance section, with the figures and caveats of the page's."""
    result = section["result"]
    story = [
        Spacer(1, 4 * mm),
        Paragraph("Cost avoidance", styles["h2"]),
        Paragraph(_escape(
            f"Families whose early help episode closed between {long_date(section['first'])} "
            f"and {long_date(section['last'])}: priced service use in the {result.months} months "
            f"before the work and after it, in {result.price_year_label} prices. The detail and "
            "every line are on the cost avoidance page in earlyhelp."), styles["body"]),
    ]
    cohort = result.cohort
    body = [["Families worked with", cohort.families, _pounds(cohort.total.before),
             _pounds(cohort.total.after), _pounds(cohort.total.avoided)]]
    if result.comparison:
        other = result.comparison
        body += [["Comparison group (eligible, not worked with)", other.families,
                  _pounds(other.total.before), _pounds(other.total.after),
                  _pounds(other.total.avoided)],
                 ["Net of the comparison group", "", "", "", _pounds(result.net)]]
    story.append(_table(["", "Families", "Before the work", "After the work", "Avoided"], body,
                        [90, 25, 35, 35, 35], styles))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Read these figures with their caveats:", styles["cell_bold"]))
    story.append(ListFlowable(
        [ListItem(Paragraph(_escape(c), styles["body"]), leftIndent=10) for c in result.caveats],
        bulletType="bullet", start="•", leftIndent=10))
    return story
