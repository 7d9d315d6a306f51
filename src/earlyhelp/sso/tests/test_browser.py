"""Single sign-on in a real browser (Chromium via Playwright) against the real provider: the
button on the sign-in page, the provider's forms, back signed in, and signing out of both.
Every earlyhelp page on the way is checked with axe-core (the provider's pages are not ours)."""

import os
from pathlib import Path

import pytest
from tests.browser.support import CheckedPage, prepare_context

from earlyhelp.core.tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.oidc, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, oidc_provider):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    prepare_context(context)
    checked = CheckedPage(context.new_page(), live_server.url)
    yield checked
    ours = [url for url in checked.unchecked_pages() if not url.startswith(oidc_provider.issuer)]
    context.close()
    assert not ours, f"earlyhelp pages loaded without an accessibility check: {ours}"


def _sign_in_at_provider(page, login):
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()


def test_sign_in_and_out_with_the_councils_provider(page, use_providers, oidc_provider):
    use_providers({"trust_mfa": True})
    UserFactory(
        username="alice", email="alice@northshire.test", first_name="Alice", last_name="Archer"
    )

    page.goto("/sign-in/")
    button = page.get_by_role("button", name="Sign in with Northshire County Council")
    assert button.is_visible()
    shots = Path(os.environ.get("EARLYHELP_SSO_SCREENSHOT_DIR", "var/screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "sign-in-with-sso.png"), full_page=True)

    button.click()
    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
    _sign_in_at_provider(page, "alice")
    page.wait_for_url(f"{page.base_url}/")
    page.check()
    assert "Alice Archer" in page.locator(".govuk-header").inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{oidc_provider.issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{page.base_url}/sign-in/")
    page.check()
    assert "You have signed out." in page.locator("main").inner_text()
    assert not page.csp_errors


def test_unknown_person_sees_the_not_set_up_page(page, use_providers, oidc_provider):
    use_providers({})

    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with Northshire County Council").click()
    page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
    _sign_in_at_provider(page, "dave")
    page.wait_for_url(f"{page.base_url}/sso/council/callback/**")
    page.check()
    assert page.heading() == "Your account is not set up"
