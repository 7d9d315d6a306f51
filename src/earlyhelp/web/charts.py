"""Small server-side SVG charts that work without JavaScript and under a strict CSP.

A chart is drawn as inline SVG (no `style` attributes, no event handlers, no scripts) with
`role="img"` and an `aria-label`, and always travels with its data: `chart.table` feeds the
GOV.UK table that `templates/includes/chart.html` prints right after the picture, so people using
screen readers read the numbers and everyone can check them.

    chart = line_chart(
        title="Progress score by review",
        categories=["Assessment", "Review 1", "Review 2"],
        series={"Housing": [3, 5, 7], "School attendance": [2, 4, None]},
        x_label="Review", y_label="Score (1 to 10)", y_min=0, y_max=10,
    )
    {% include "includes/chart.html" with chart=chart %}

Series are told apart by colour (GOV.UK palette, each at least 4.5:1 against white, above the
3:1 WCAG 2.2 asks of graphics) AND by marker shape and dash pattern, so colour is never the only
cue.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from earlyhelp.web.escaping import escape_text as escape
from earlyhelp.web.escaping import safe as mark_safe

# GOV.UK colours with contrast against white: blue 5.2, green 6.3, red 4.5 (text-safe), purple 10,
# pink 6.6, brown 5.5, black 19.5, dark grey 4.6.
PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#4c2c92", "#912b88", "#7a4d00", "#0b0c0c", "#505a5f")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle", "diamond")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3")
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
AXIS_COLOUR = "#0b0c0c"
FONT = '"GDS Transport", arial, sans-serif'

Number = int | float


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Number | None, ...]
    colour: str = ""


@dataclass
class Chart:
    """A drawn chart and the data behind it. `svg` is safe HTML; `table` is head + rows."""

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    x_label: str
    y_label: str
    svg: SafeString
    description: str
    table_head: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @property
    def table(self) -> dict:
        return {"head": self.table_head, "rows": self.table_rows}

    def __html__(self) -> str:  # lets `{{ chart }}` print the picture
        return str(self.svg)


def default_format(value: Number | None) -> str:
    if value is None:
        return "No data"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 × 10ⁿ."""
    if high < low:
        low, high = high, low
    if math.isclose(high, low):
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high - step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    ticks.append(round(value, 10))
    return ticks


def _series(series: Mapping[str, Iterable] | Sequence[Series], length: int) -> tuple[Series, ...]:
    if isinstance(series, Mapping):
        items = [Series(name=str(k), values=tuple(v)) for k, v in series.items()]
    else:
        items = list(series)
    out = []
    for index, item in enumerate(items):
        values = tuple(None if v is None else v for v in item.values)
        if len(values) != length:
            raise ValueError(
                f"Series '{item.name}' has {len(values)} values for {length} categories."
            )
        out.append(
            Series(
                name=item.name, values=values, colour=item.colour or PALETTE[index % len(PALETTE)]
            )
        )
    if not out:
        raise ValueError("A chart needs at least one series.")
    return tuple(out)


def _chart_id(kind: str, title: str, categories, series) -> str:
    digest = hashlib.sha1(
        repr((kind, title, categories, [(s.name, s.values) for s in series])).encode()
    ).hexdigest()
    return f"chart-{digest[:10]}"


def _marker(shape: str, x: float, y: float, colour: str, size: float = 4.5) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}"/>'
        )
    if shape == "triangle":
        s = size * 1.25
        pts = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y + s * 0.8:.1f} {x - s:.1f},{y + s * 0.8:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    if shape == "diamond":
        s = size * 1.3
        pts = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}"/>'


class _Frame:
    """Geometry shared by line and bar charts: plot area, y scale, axes, legend."""

    def __init__(
        self,
        *,
        categories,
        series,
        y_min,
        y_max,
        width,
        height,
        fmt,
        include_zero,
    ):
        self.categories = categories
        self.series = series
        self.width = width
        self.fmt = fmt
        values = [v for s in series for v in s.values if v is not None]
        low = min(values) if values else 0
        high = max(values) if values else 1
        if include_zero:
            low, high = min(low, 0), max(high, 0)
        low = y_min if y_min is not None else low
        high = y_max if y_max is not None else high
        ticks = nice_ticks(low, high)
        self.ticks = [
            t for t in ticks if (y_min is None or t >= y_min) and (y_max is None or t <= y_max)
        ]
        self.y_low = y_min if y_min is not None else ticks[0]
        self.y_high = y_max if y_max is not None else ticks[-1]
        if math.isclose(self.y_low, self.y_high):
            self.y_high = self.y_low + 1
        tick_text = max((len(fmt(t)) for t in self.ticks), default=1)
        self.left = 28 + 8 * tick_text
        self.right = width - 16
        legend_rows = math.ceil(len(series) / max(1, (width - 40) // 190))
        self.legend_top = 12
        self.top = 16 + legend_rows * 22
        self.height = height + legend_rows * 22
        self.bottom = self.height - 58

    def y(self, value: Number) -> float:
        span = self.y_high - self.y_low
        clamped = min(max(value, self.y_low), self.y_high)
        return self.bottom - (clamped - self.y_low) / span * (self.bottom - self.top)

    def label_every(self, centres: list[float]) -> int:
        if len(centres) < 2:
            return 1
        gap = centres[1] - centres[0]
        widest = max(len(c) for c in self.categories) * 7 + 8
        return max(1, math.ceil(widest / max(gap, 1)))

    def axes(self, x_label: str, y_label: str, centres: list[float]) -> list[str]:
        out = []
        for tick in self.ticks:
            y = self.y(tick)
            out.append(
                f'<line x1="{self.left}" x2="{self.right}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{self.left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="14" '
                f'fill="{TEXT_COLOUR}">{escape(self.fmt(tick))}</text>'
            )
        out.append(
            f'<line x1="{self.left}" x2="{self.left}" y1="{self.top}" y2="{self.bottom}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
        )
        out.append(
            f'<line x1="{self.left}" x2="{self.right}" y1="{self.bottom}" y2="{self.bottom}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
        )
        every = self.label_every(centres)
        for index, (label, x) in enumerate(zip(self.categories, centres, strict=True)):
            if index % every:
                continue
            # Keep labels inside the picture: near an edge, anchor them to that edge.
            half = len(label) * 3.6
            anchor = "middle"
            if x + half > self.width - 2:
                anchor, x = "end", min(x + 6, self.width - 2)
            elif x - half < 2:
                anchor, x = "start", max(x - 6, 2)
            out.append(
                f'<text x="{x:.1f}" y="{self.bottom + 20}" text-anchor="{anchor}" font-size="14" '
                f'fill="{TEXT_COLOUR}">{escape(label)}</text>'
            )
        if x_label:
            out.append(
                f'<text x="{(self.left + self.right) / 2:.1f}" y="{self.height - 12}" '
                f'text-anchor="middle" font-size="14" font-weight="bold" '
                f'fill="{TEXT_COLOUR}">{escape(x_label)}</text>'
            )
        if y_label:
            cy = (self.top + self.bottom) / 2
            out.append(
                f'<text x="14" y="{cy:.1f}" text-anchor="middle" font-size="14" font-weight="bold" '
                f'fill="{TEXT_COLOUR}" transform="rotate(-90 14 {cy:.1f})">{escape(y_label)}</text>'
            )
        return out

    def legend(self, kind: str) -> list[str]:
        out = []
        per_row = max(1, (self.width - 40) // 190)
        for index, s in enumerate(self.series):
            row, col = divmod(index, per_row)
            x = self.left + col * 190
            y = self.legend_top + row * 22
            if kind == "line":
                dash = DASHES[index % len(DASHES)]
                dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
                out.append(
                    f'<line x1="{x}" x2="{x + 28}" y1="{y}" y2="{y}" stroke="{s.colour}" '
                    f'stroke-width="3"{dash_attr}/>'
                )
                out.append(_marker(MARKERS[index % len(MARKERS)], x + 14, y, s.colour))
            else:
                out.append(f'<rect x="{x}" y="{y - 7}" width="28" height="14" fill="{s.colour}"/>')
            out.append(
                f'<text x="{x + 36}" y="{y + 5}" font-size="14" fill="{TEXT_COLOUR}">'
                f"{escape(s.name)}</text>"
            )
        return out


def _svg(chart_id: str, title: str, description: str, frame: _Frame, body: list[str]) -> SafeString:
    label = f"{title}. {description}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__svg" id="{chart_id}" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(FONT)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _table(categories, series, x_label, fmt) -> tuple[tuple, tuple]:
    head = (x_label or "Category", *(s.name for s in series))
    rows = tuple(
        (label, tuple(fmt(s.values[i]) for s in series)) for i, label in enumerate(categories)
    )
    return head, rows


def _describe(kind: str, categories, series) -> str:
    word = "Line chart" if kind == "line" else "Bar chart"
    n = len(series)
    names = ", ".join(s.name for s in series)
    span = f"from {categories[0]} to {categories[-1]}" if categories else "with no data"
    return f"{word} of {n} series ({names}) {span}. The same data is in the table that follows."


def line_chart(
    *,
    title: str,
    categories: Sequence,
    series: Mapping[str, Iterable] | Sequence[Series],
    x_label: str = "",
    y_label: str = "",
    y_min: Number | None = None,
    y_max: Number | None = None,
    width: int = 640,
    height: int = 320,
    value_format: Callable[[Number | None], str] = default_format,
) -> Chart:
    """A line per series across the categories; None leaves a gap in the line."""
    categories = tuple(str(c) for c in categories)
    series = _series(series, len(categories))
    frame = _Frame(
        categories=categories,
        series=series,
        y_min=y_min,
        y_max=y_max,
        width=width,
        height=height,
        fmt=value_format,
        include_zero=False,
    )
    n = len(categories)
    inner = frame.right - frame.left - 24
    step = inner / (n - 1) if n > 1 else 0
    centres = [frame.left + 12 + (i * step if n > 1 else inner / 2) for i in range(n)]
    body = frame.axes(x_label, y_label, centres)
    for index, s in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[str]] = [[]]
        for x, v in zip(centres, s.values, strict=True):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x:.1f},{frame.y(v):.1f}")
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{s.colour}" '
                    f'stroke-width="3" stroke-linejoin="round"{dash_attr}/>'
                )
        for x, v in zip(centres, s.values, strict=True):
            if v is not None:
                body.append(_marker(MARKERS[index % len(MARKERS)], x, frame.y(v), s.colour))
    body.extend(frame.legend("line"))
    description = _describe("line", categories, series)
    chart_id = _chart_id("line", title, categories, series)
    head, rows = _table(categories, series, x_label, value_format)
    return Chart(
        kind="line",
        title=title,
        categories=categories,
        series=series,
        x_label=x_label,
        y_label=y_label,
        svg=_svg(chart_id, title, description, frame, body),
        description=description,
        table_head=head,
        table_rows=rows,
    )


def bar_chart(
    *,
    title: str,
    categories: Sequence,
    series: Mapping[str, Iterable] | Sequence[Series],
    x_label: str = "",
    y_label: str = "",
    y_min: Number | None = None,
    y_max: Number | None = None,
    width: int = 640,
    height: int = 320,
    value_format: Callable[[Number | None], str] = default_format,
) -> Chart:
    """Grouped vertical bars from zero, one bar per series in each category."""
    categories = tuple(str(c) for c in categories)
    series = _series(series, len(categories))
    frame = _Frame(
        categories=categories,
        series=series,
        y_min=y_min,
        y_max=y_max,
        width=width,
        height=height,
        fmt=value_format,
        include_zero=True,
    )
    n = max(len(categories), 1)
    band = (frame.right - frame.left) / n
    group = band * 0.75
    bar = group / len(series)
    centres = [frame.left + band * (i + 0.5) for i in range(len(categories))]
    body = frame.axes(x_label, y_label, centres)
    base = frame.y(min(max(0, frame.y_low), frame.y_high))
    for index, s in enumerate(series):
        for i, v in enumerate(s.values):
            if v is None:
                continue
            x = centres[i] - group / 2 + index * bar
            y = frame.y(v)
            top, h = (y, base - y) if y <= base else (base, y - base)
            body.append(
                f'<rect x="{x + 1:.1f}" y="{top:.1f}" width="{max(bar - 2, 1):.1f}" '
                f'height="{max(h, 0):.1f}" fill="{s.colour}"/>'
            )
    body.extend(frame.legend("bar"))
    description = _describe("bar", categories, series)
    chart_id = _chart_id("bar", title, categories, series)
    head, rows = _table(categories, series, x_label, value_format)
    return Chart(
        kind="bar",
        title=title,
        categories=categories,
        series=series,
        x_label=x_label,
        y_label=y_label,
        svg=_svg(chart_id, title, description, frame, body),
        description=description,
        table_head=head,
        table_rows=rows,
    )
