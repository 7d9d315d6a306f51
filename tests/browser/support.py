"""Shared helpers for browser tests: Debian's Chromium driven by Playwright, axe-core on every page.

Reuse from any app's browser tests:

    from tests.browser.support import CheckedPage, sign_in

    def test_my_page(checked_page, my_user):          # fixtures from tests/browser/conftest.py
        page = checked_page()                          # a fresh browser context (no cookies)
        sign_in(page, my_user)                         # signs in through the real form
        page.goto("/insights/")                        # navigates and runs axe-core
        page.click_link("Annex A")                     # clicks, waits, runs axe-core again

Every page that loads is checked against WCAG 2.2 A and AA rules; `CheckedPage.close()` fails the
test if a page loaded without being checked (so a test cannot skip the check by accident).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("EARLYHELP_CHROMIUM", "/usr/bin/chromium"))
# Flags checked on this machine (see shared notes): no sandbox in containers, no GPU, no phoning
# home. Never `playwright install`: it downloads a browser, which cannot be reached.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"  # the factories' password


def chromium_missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}. Install Debian's package "
            "(`apt-get install -y chromium`; .ci/run does this) to run the real-browser "
            "journey and the axe-core accessibility checks."
        )
    if not AXE_JS.exists():
        return f"BROWSER TESTS SKIPPED: {AXE_JS} is missing – run `npm ci` (make frontend)."
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(node['target'])}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page: WCAG 2.2 A and AA rules.

    axe is added to every document by `prepare_context()` as an init script, which the browser
    runs outside the page's Content Security Policy – so pages keep their strict CSP."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))
            }));
        }""",
        AXE_TAGS,
    )


def prepare_context(context) -> None:
    """Make axe-core available in every page of a browser context."""
    context.add_init_script(path=str(AXE_JS))


class CheckedPage:
    """A Playwright page whose every loaded page gets an axe-core check."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.loaded: list[str] = []
        self.checked: list[str] = []
        self.titles: list[str] = []
        self.csp_errors: list[str] = []
        page.on("load", lambda p: self.loaded.append(p.url))
        page.on("console", self._console)
        page.set_default_timeout(30_000)  # generous: CI machines are shared

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(f"{self.page.url}: {message.text}")

    def __getattr__(self, name):
        return getattr(self.page, name)

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def check(self) -> None:
        """Assert the current page has no WCAG 2.2 A/AA violations, a title, one h1, a skip link."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        violations = axe_violations(self.page)
        assert not violations, f"axe-core found problems on {url}:\n{format_violations(violations)}"
        title = self.page.title()
        assert title and title.endswith("earlyhelp"), f"{url} has no page title: {title!r}"
        assert self.page.locator("h1").count() == 1, f"{url} should have exactly one <h1>"
        assert self.page.locator("a.govuk-skip-link[href='#main-content']").count() == 1
        self._headings_in_order(url)
        assert not self.csp_errors, "Content Security Policy violations:\n" + "\n".join(
            self.csp_errors
        )
        self.checked.append(url)
        self.titles.append(title)
        shots = os.environ.get("EARLYHELP_BROWSER_SCREENSHOTS")
        if shots:  # every checked page as a picture, for reviewing the pages by eye
            Path(shots).mkdir(parents=True, exist_ok=True)
            name = f"{len(list(Path(shots).glob('*.png'))):03d}-{title.split(' – ')[0][:40]}"
            safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
            self.page.screenshot(path=str(Path(shots) / f"{safe}.png"), full_page=True)

    def _headings_in_order(self, url: str) -> None:
        levels = self.page.evaluate(
            "() => Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4'))"
            ".filter(h => h.offsetParent !== null || h.closest('.govuk-tabs__panel'))"
            ".map(h => Number(h.tagName[1]))"
        )
        previous = 1
        for level in levels:
            assert level <= previous + 1, f"{url}: heading levels skip from h{previous} to h{level}"
            previous = level

    def goto(self, path: str) -> CheckedPage:
        self.page.goto(self.base_url + path if path.startswith("/") else path)
        self.check()
        return self

    def click_link(self, name: str, *, exact: bool = False) -> CheckedPage:
        """Follow a link (or a link styled as a button, which has the button role)."""
        link = self.page.get_by_role("link", name=name, exact=exact)
        self.page.get_by_role("button", name=name, exact=exact).or_(link).first.click()
        self.check()
        return self

    def click_button(self, name: str, *, exact: bool = False) -> CheckedPage:
        self.page.get_by_role("button", name=name, exact=exact).first.click()
        self.check()
        return self

    def fill(self, label: str, value: str, *, exact: bool = False) -> CheckedPage:
        self.page.get_by_label(label, exact=exact).fill(value)
        return self

    def fill_date(self, field_id: str, day, month, year) -> CheckedPage:
        self.page.locator(f"#{field_id}_day").fill(str(day))
        self.page.locator(f"#{field_id}_month").fill(str(month))
        self.page.locator(f"#{field_id}_year").fill(str(year))
        return self

    def choose(self, label: str, *, exact: bool = True) -> CheckedPage:
        self.page.get_by_label(label, exact=exact).check()
        return self

    def select(self, label: str, option_label: str) -> CheckedPage:
        self.page.get_by_label(label).select_option(label=option_label)
        return self

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def error_summary(self) -> str:
        summary = self.page.locator(".govuk-error-summary")
        return summary.inner_text() if summary.count() else ""

    def unchecked_pages(self) -> list[str]:
        checked = {url.split("#")[0] for url in self.checked}
        return [url for url in self.loaded if url.split("#")[0] not in checked]

    def press_and_check(self, key: str = "Enter") -> CheckedPage:
        """Press a key that navigates (Enter on a link or button), wait, then check the page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.check()
        return self

    def close(self) -> None:
        missed = self.unchecked_pages()
        self.page.context.close()
        assert not missed, f"pages loaded without an accessibility check: {missed}"


def _authenticator_code(user) -> str:
    """The code the user's authenticator app would show now (the app lives in the test)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from earlyhelp.core.security.two_factor import current_code

    device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
    assert device is not None, f"{user} has no authenticator to read a code from"
    return current_code(device)


def sign_in(page: CheckedPage, user, password: str = PASSWORD) -> CheckedPage:
    """Sign in through the real pages, as a new user would: password, then – when two-factor
    sign-in is on – set up the authenticator (first time) or enter its code."""
    page.goto("/sign-in/")
    page.fill("Username", user.username)
    page.fill("Password", password)
    page.click_button("Sign in")
    assert "/sign-in/" not in page.url, page.error_summary()
    if "/account/two-factor/" in page.path:
        first_time = "/verify/" not in page.path
        page.fill("Code from your authenticator app", _authenticator_code(user))
        page.click_button("Continue")
        assert "/account/two-factor/" not in page.path or "recovery" in page.path, (
            page.error_summary()
        )
        if first_time and "recovery" in page.path:
            page.click_link("I have saved my recovery codes")
    return page


def sign_out(page: CheckedPage) -> CheckedPage:
    page.click_button("Sign out")
    return page
