"""The board report PDF: a trend chart per indicator with its figures in words, a period with no
figures said in words, the cost avoidance section for those who see it on the page and not for
anyone else, and a pinned query count.

The PDF is read back by inflating its page streams and collecting the strings ReportLab draws
(what a screen reader or a copy-paste gets): no PDF library is needed for that.
"""

import base64
import datetime as dt
import re
import zlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Paragraph, Table

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.insights import pdf, selectors
from earlyhelp.insights.periods import period_containing
from earlyhelp.insights.summary import board_summary
from earlyhelp.insights.views import _decorate
from earlyhelp.results.tests.test_cost_pages import episodes  # noqa: F401 (a fixture)

from .test_pages import get, named_family, people  # noqa: F401 (people is a fixture)

pytestmark = pytest.mark.django_db

QUARTER = "period=quarter&date=2026-03-01"
STRING = re.compile(rb"\((?:\\.|[^\\)])*\)")
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _unescape(literal: bytes) -> str:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)

    return ESCAPE.sub(one, literal[1:-1]).decode("cp1252")


def pdf_strings(content: bytes) -> list[str]:
    """Every string drawn on the PDF's pages, in order (ASCII85 and Flate streams inflated)."""
    out = []
    for head, stream in re.findall(rb"<<([^<>]*)>>\s*stream\r?\n(.*?)\r?\n?endstream",
                                   content, re.S):
        if b"ASCII85Decode" in head:
            stream = base64.a85decode(stream.strip().removesuffix(b"~>"))
        if b"FlateDecode" in head:
            stream = zlib.decompress(stream)
        out += [_unescape(s) for s in STRING.findall(stream)]
    return out


def board_rows(user):
    period = period_containing("quarter", dt.date(2026, 3, 1))
    rows = selectors.dashboard(user=user, period=period, filters={})
    return period, _decorate(rows, period, {})


def story_for(user, **sections):
    period, rows = board_rows(user)
    return rows, pdf.board_report_story(rows=rows, summary=board_summary(rows), period=period,
                                        scope_label="Whole borough", **sections)


def trend_cells(story):
    """The trend grid's cells (heading, then the drawing or the words saying why there is none)."""
    heading = next(i for i, f in enumerate(story)
                   if isinstance(f, Paragraph) and f.getPlainText() == "Trends")
    grid = next(f for f in story[heading:] if isinstance(f, Table))
    return [cell for line in grid._cellvalues for cell in line if cell]


def test_every_indicator_has_a_chart_or_says_why_not(people):  # noqa: F811 (the fixture)
    named_family(people["team"], "Khan household", end=dt.date(2026, 2, 10))
    named_family(people["team"], "Brown household", end=dt.date(2026, 3, 10), outcome="other")
    rows, story = story_for(people["analyst"])
    cells = trend_cells(story)
    assert len(cells) == len(rows)
    charted, empty = [], []
    for row, cell in zip(rows, cells, strict=True):
        assert cell[0].getPlainText() == row.definition.name
        if isinstance(cell[1], Drawing):
            charted.append(row)
            # The figure is never carried by the chart alone: every period's figure in words.
            words = cell[2].getPlainText()
            for period, _ in row.trend:
                assert period.short_label in words
            assert words.startswith("Figures: ")
        else:
            empty.append((row, cell[1].getPlainText()))
    assert charted and empty
    by_code = {row.definition.code: row for row in charted}
    closures = by_code["closures"]
    words = cells[rows.index(closures)][2].getPlainText()
    assert "Jan–Mar 26: 2" in words and "Oct–Dec 25: 0" in words
    # Nothing to plot in any period: a sentence, not an empty frame.
    row, text = empty[0]
    first, last = row.trend[0][0].short_label, row.trend[-1][0].short_label
    assert text == f"No figures for {first} to {last}, so no chart."


def test_a_missing_period_is_a_gap_and_said_in_words(people):  # noqa: F811 (the fixture)
    named_family(people["team"], "Khan household", end=dt.date(2026, 2, 10))
    period, rows = board_rows(people["analyst"])
    row = next(r for r in rows if r.definition.code == "closures")
    row.trend[1] = (row.trend[1][0], None)  # a period the indicator has no figure for
    row.chart = _decorate([row], period, {})[0].chart
    [cell] = [c for c in trend_cells(pdf.board_report_story(
        rows=[row], summary=[], period=period, scope_label="Whole borough"))]
    assert isinstance(cell[1], Drawing)
    assert f"{row.trend[1][0].short_label}: no figure" in cell[2].getPlainText()
    # The line is cut there: two runs of the indicator's series, one either side of the gap.
    plot = cell[1].contents[0]
    assert [d for d in plot.data if d[1] is None] == [
        (row.trend[0][1].value, None, None, None),
        (None, None, row.trend[2][1].value, row.trend[3][1].value)]


def test_the_pdf_carries_the_charts_and_their_figures(client, people):  # noqa: F811 (the fixture)
    named_family(people["team"], "Khan household", end=dt.date(2026, 2, 10))
    response = get(client, people["analyst"], f"/insights/board/report.pdf?{QUARTER}")
    assert response.status_code == 200
    strings = pdf_strings(response.content)
    text = "\n".join(strings)
    assert "Trends" in strings
    _, rows = board_rows(people["analyst"])
    charted = [r for r in rows
               if not r.unavailable and any(res and res.value is not None for _, res in r.trend)]
    # Each chart labels its axes: "Period" once per chart, and its period labels on the axis.
    assert strings.count("Period") == len(charted) > 0
    assert strings.count("Jan–Mar 26") >= len(charted)
    assert "No figures for" in text
    assert "Cost avoidance" in strings  # an analyst's report has the section, as the page has


def test_the_cost_avoidance_section_is_in_the_pdf_for_those_who_see_it(world, episodes):  # noqa: F811
    """The same figures and caveats as the page's section (results' test_cost_pages: the 2024
    episodes close in the year 1 April 2024 – 31 March 2025, two step-ups of £515.00)."""
    analyst = verified_login(Client(), world.analyst)
    html = analyst.get(f"/insights/board/?{QUARTER}").content.decode()
    assert "£1,030.00" in html
    text = "\n".join(pdf_strings(analyst.get(f"/insights/board/report.pdf?{QUARTER}").content))
    assert "Cost avoidance" in text
    assert "closed between 1 April 2024" in text and "31 March 2025" in text
    assert "£1,030.00" in text
    assert "Read these figures with their caveats:" in text
    assert "Regression to the mean" in text
    # A manager sees their scope's share, as on the page.
    manager = verified_login(Client(), world.manager)
    text = "\n".join(pdf_strings(manager.get(f"/insights/board/report.pdf?{QUARTER}").content))
    assert "Cost avoidance" in text and "£515.00" in text and "£1,030.00" not in text


def test_no_cost_avoidance_section_for_those_who_do_not_see_it(world, episodes):  # noqa: F811
    admin = verified_login(Client(), world.admin)  # sees the board, not cost avoidance
    page = admin.get(f"/insights/board/?{QUARTER}")
    assert page.status_code == 200 and "Cost avoidance" not in page.content.decode()
    response = admin.get(f"/insights/board/report.pdf?{QUARTER}")
    assert response.status_code == 200
    text = "\n".join(pdf_strings(response.content))
    assert "Trends" in text
    assert "Cost avoidance" not in text and "£" not in text


def test_the_board_pdf_takes_the_same_queries_however_much_data(client, people):  # noqa: F811 (the fixture)
    verified_login(client, people["analyst"])
    named_family(people["team"], "First household")
    url = f"/insights/board/report.pdf?{QUARTER}"
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for index in range(4):
        named_family(people["team"], f"More{index} household", end=dt.date(2026, 1 + index % 3, 5))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    # Session, user and two-factor device; teams and localities for the filters; the
    # definitions; one query per indicator (its trend's periods in the same query) and four more
    # for those whose parts need their own (as the dashboard); the strategy's sections (the
    # action plan's items; the case audits' team grades and answers); cost avoidance, added with
    # the PDF's section: the newest targeting run, the closed episodes, the uprating index, the
    # unit costs and the calculation's audit row; then the download's audit row (in a savepoint).
    # (family_says_better and satisfied_with_help, issue 16: 18 -> 20 indicators, 4 -> 5, as on
    # the dashboard.)
    assert len(small) == 3 + 2 + 1 + 20 + 5 + 3 + 5 + 3, [
        q["sql"][:100] for q in small.captured_queries]
