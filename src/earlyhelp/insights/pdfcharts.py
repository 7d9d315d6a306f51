"""An indicator's trend as a small ReportLab drawing for the board report PDF.

Drawn from the same chart the dashboard shows (`views._chart`: the indicator's series and its
target's), with ReportLab's own graphics – no browser, no network. The series are told apart by
colour AND by line style and marker (the indicator solid with dots, the target dashed), never by
colour alone. The value axis starts where the dashboard's does (`formatting.chart_limits`).
"""

from __future__ import annotations

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Group, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm

from . import formatting

# GOV.UK blue (5.2:1 on white) for the indicator, black for its target.
LINE_COLOURS = (colors.HexColor("#1d70b8"), colors.HexColor("#0b0c0c"))
DASHES = (None, (4, 2))
MARKERS = ("FilledCircle", None)
TEXT = colors.HexColor("#0b0c0c")
GRID = colors.HexColor("#b1b4b6")
FONT = "Helvetica"
BOLD = "Helvetica-Bold"


def _value_range(values, unit: str) -> tuple[float | None, float | None]:
    """The axis's ends where the dashboard fixes them; None lets ReportLab pick a round one."""
    limits = formatting.chart_limits(unit)
    low, high = limits.get("y_min"), limits.get("y_max")
    if high is None and low is not None and max(values) <= low:
        high = low + 1  # a flat line at the floor (every figure zero): give the axis a height
    return low, high


def _runs(values) -> list[tuple]:
    """A series cut at its missing figures, each run padded with None to the series' length:
    ReportLab joins a line across a None, but a period with no figure must leave a gap."""
    runs, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return [tuple(values[i] if i in run else None for i in range(len(values))) for run in runs]


def trend_drawing(chart, unit: str, *, width: float = 86 * mm,
                  height: float = 52 * mm) -> Drawing:
    """A line per series of `chart` (a web.charts.Chart: categories, series with names and
    values; None leaves a gap), with labelled axes, period labels and a legend."""
    drawing = Drawing(width, height)
    series = list(chart.series)[: len(LINE_COLOURS)]
    values = [v for s in series for v in s.values if v is not None]
    legend_height = 5 * mm
    left, bottom = 17 * mm, 14 * mm
    plot = HorizontalLineChart()
    plot.x, plot.y = left, bottom
    plot.width = width - left - 3 * mm
    plot.height = height - bottom - legend_height - 3 * mm
    data, styles = [], []
    for index, s in enumerate(series):
        for run in _runs(s.values):
            data.append(run)
            styles.append(index)
    plot.data = data
    plot.joinedLines = 1
    low, high = _value_range(values, unit)
    plot.valueAxis.valueMin, plot.valueAxis.valueMax = low, high
    plot.valueAxis.labelTextFormat = lambda v: formatting.axis_label(unit, v)
    plot.valueAxis.labels.fontName, plot.valueAxis.labels.fontSize = FONT, 6.5
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = GRID
    plot.valueAxis.gridStrokeWidth = 0.4
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.categoryAxis.joinAxisMode = "bottom"  # below a negative change, not across zero
    plot.categoryAxis.labels.fontName, plot.categoryAxis.labels.fontSize = FONT, 6
    if len(chart.categories) > 6:  # a year of months: slant the labels so each one fits
        plot.categoryAxis.labels.angle = 35
        plot.categoryAxis.labels.boxAnchor = "ne"
        plot.categoryAxis.labels.dy = -2
    for row, index in enumerate(styles):
        line = plot.lines[row]
        line.strokeColor = LINE_COLOURS[index]
        line.strokeWidth = 1.4
        if DASHES[index]:
            line.strokeDashArray = DASHES[index]
        if MARKERS[index]:
            line.symbol = makeMarker(MARKERS[index], size=3.5, fillColor=LINE_COLOURS[index],
                                     strokeColor=LINE_COLOURS[index])
    drawing.add(plot)
    drawing.add(String(left + plot.width / 2, 1.5 * mm, chart.x_label or "Period",
                       fontName=BOLD, fontSize=7, fillColor=TEXT, textAnchor="middle"))
    # The value axis's label, turned to read upwards beside the axis.
    drawing.add(Group(String(0, 0, chart.y_label, fontName=BOLD, fontSize=7, fillColor=TEXT,
                             textAnchor="middle"),
                      transform=(0, 1, -1, 0, 3 * mm, bottom + plot.height / 2)))
    x, y = left, height - legend_height + 1.5 * mm
    for index, s in enumerate(series):
        drawing.add(Line(x, y, x + 8 * mm, y, strokeColor=LINE_COLOURS[index], strokeWidth=1.4,
                         strokeDashArray=DASHES[index]))
        if MARKERS[index]:
            drawing.add(makeMarker(MARKERS[index], x=x + 4 * mm, y=y, size=3.5,
                                   fillColor=LINE_COLOURS[index],
                                   strokeColor=LINE_COLOURS[index]))
        name = s.name if len(s.name) <= 38 else s.name[:37] + "…"
        drawing.add(String(x + 9.5 * mm, y - 2, name, fontName=FONT, fontSize=6.5,
                           fillColor=TEXT))
        x += 9.5 * mm + len(name) * 3.2 + 4 * mm
    return drawing
