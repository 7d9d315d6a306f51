import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from earlyhelp.web.charts import PALETTE, Series, bar_chart, line_chart, nice_ticks

SVG_NS = "{http://www.w3.org/2000/svg}"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def _progress():
    return line_chart(
        title="Progress scores",
        categories=["Assessment", "Review 1", "Review 2"],
        series={"Housing": [3, 5, 7], "School <attendance>": [2, None, 6]},
        x_label="Review",
        y_label="Score",
        y_min=0,
        y_max=10,
    )


def test_line_chart_is_well_formed_accessible_svg():
    chart = _progress()
    root = ET.fromstring(str(chart.svg))
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label").startswith("Progress scores. Line chart of 2 series")
    assert root.find(f"{SVG_NS}title").text == "Progress scores"
    assert "table that follows" in root.find(f"{SVG_NS}desc").text
    # No inline styles or handlers: the page keeps working under a strict CSP.
    text = str(chart.svg)
    assert "style=" not in text
    assert not re.search(r"\son\w+=", text)
    assert "<script" not in text
    # Names are escaped, never injected.
    assert "School &lt;attendance&gt;" in text


def test_line_chart_leaves_gaps_for_missing_values_and_draws_markers():
    chart = _progress()
    root = ET.fromstring(str(chart.svg))
    polylines = root.findall(f"{SVG_NS}polyline")
    # Housing: one line of 3 points; school: None in the middle breaks it, no single-point lines.
    assert len(polylines) == 1
    assert len(polylines[0].get("points").split()) == 3
    # Series 2 uses a different marker shape and dash pattern (not colour alone).
    assert root.findall(f"{SVG_NS}rect")  # square markers of series 2 / legend
    assert any(line.get("stroke-dasharray") for line in root.findall(f"{SVG_NS}line"))


def test_axis_labels_and_ticks_within_fixed_range():
    chart = _progress()
    texts = [t.text for t in ET.fromstring(str(chart.svg)).iter(f"{SVG_NS}text")]
    assert "Review" in texts and "Score" in texts
    assert "0" in texts and "10" in texts
    assert "Assessment" in texts and "Review 2" in texts


def test_data_table_matches_the_series():
    chart = _progress()
    assert chart.table_head == ("Review", "Housing", "School <attendance>")
    assert chart.table_rows[1] == ("Review 1", ("5", "No data"))


def test_bar_chart_grouped_bars_from_zero():
    chart = bar_chart(
        title="Closures by outcome",
        categories=["Q1", "Q2"],
        series=[Series("Needs met", (10, 12.5)), Series("Stepped up", (4, 0))],
        y_label="Families",
    )
    root = ET.fromstring(str(chart.svg))
    bars = [r for r in root.findall(f"{SVG_NS}rect") if float(r.get("height")) > 0]
    assert len(bars) >= 3  # 3 non-zero bars (+ legend swatches)
    assert chart.table_rows[1] == ("Q2", ("12.5", "0"))
    assert root.get("aria-label").startswith("Closures by outcome. Bar chart of 2 series")


def test_series_length_must_match_categories():
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        line_chart(title="x", categories=["a", "b"], series={"s": [1]})


def test_palette_has_enough_contrast_for_graphics_and_text():
    assert all(_contrast_with_white(c) >= 4.5 for c in PALETTE)


def test_nice_ticks():
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(3, 3) == [3, 3.2, 3.4, 3.6, 3.8, 4]
    ticks = nice_ticks(0, 937)
    assert ticks[0] == 0 and ticks[-1] >= 937 and len(ticks) <= 7


def test_include_renders_picture_then_captioned_table():
    html = render_to_string("includes/chart.html", {"chart": _progress()})
    assert html.index("<svg") < html.index("<table")
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Progress scores: data'
        in html
    )
    assert '<th scope="row" class="govuk-table__header">Review 1</th>' in html
    folded = render_to_string("includes/chart.html", {"chart": _progress(), "details": True})
    assert "govuk-details" in folded
