"""The big counters on the team page use the GOV.UK font stack, not the browser's serif default
(issue 14: they sit outside any govuk- text class)."""

import pytest

from earlyhelp.testing.world import build_world

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_counters_use_the_govuk_font(checked_page):
    world = build_world()
    page = checked_page()
    sign_in(page, world.manager)
    page.goto("/team/")
    fonts = page.page.eval_on_selector_all(
        ".app-count", "nodes => nodes.map(n => getComputedStyle(n).fontFamily)"
    )
    assert len(fonts) == 4
    assert all("arial" in font and "serif" not in font.replace("sans-serif", "") for font in fonts)
