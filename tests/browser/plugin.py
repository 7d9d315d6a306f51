"""Fixtures for real-browser tests (a pytest plugin, loaded once by the root conftest, so every
app shares one browser): a live server, Debian's Chromium and axe-core.

Browser tests are marked `@pytest.mark.browser`; without /usr/bin/chromium they are skipped
with a loud warning, never silently."""

import os
import warnings
from pathlib import Path

import pytest

from tests.browser.support import CheckedPage, chromium_missing_reason, launch, prepare_context

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run while one
# is running unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = chromium_missing_reason()
    if reason is None:
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    warnings.warn(reason, stacklevel=1)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("!" * 78, red=True, bold=True)
        reporter.write_line(reason, red=True, bold=True)
        reporter.write_line("!" * 78, red=True, bold=True)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    reason = chromium_missing_reason()
    if reason:
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def checked_page(browser, live_server, request):
    """checked_page() -> a CheckedPage in a fresh browser context (its own cookies)."""
    pages = []

    def _new():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        prepare_context(context)
        page = CheckedPage(context.new_page(), live_server.url)
        pages.append(page)
        return page

    yield _new
    if getattr(request.node, "browser_failed", False) and pages:
        # Leave the last page where the failure happened for whoever debugs it.
        out = Path(os.environ.get("EARLYHELP_BROWSER_ARTIFACTS", "var/browser-failures"))
        out.mkdir(parents=True, exist_ok=True)
        name = request.node.name
        pages[-1].page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        (out / f"{name}.html").write_text(pages[-1].page.content())
    for page in pages:
        page.close()
