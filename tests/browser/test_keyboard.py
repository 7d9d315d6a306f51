"""Keyboard only: the skip link, signing in, and answering a form without a mouse."""

import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory

from .support import PASSWORD, _authenticator_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, predicate_js: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    raise AssertionError(f"never reached an element where {predicate_js}")


def test_sign_in_and_search_with_the_keyboard_alone(checked_page):
    user = UserFactory(username="keys", role=Role.PARTNER, team=None)
    page = checked_page()
    page.goto("/sign-in/")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    _tab_to(page, "el.id === 'id_username'")
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.press_and_check("Enter")
    if "/account/two-factor/" in page.path:
        _tab_to(page, "el.id === 'code'")
        page.keyboard.type(_authenticator_code(user))
        page.press_and_check("Enter")
        if "recovery" in page.path:
            _tab_to(page, "el.textContent.includes('I have saved my recovery codes')")
            page.press_and_check("Enter")
    # Follow the menu to the request form, then submit it empty with Enter: the error summary
    # takes focus so a keyboard or screen reader user hears what went wrong.
    _tab_to(page, "el.textContent.trim() === 'Request support'")
    page.press_and_check("Enter")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Search'")
    page.press_and_check("Enter")
    page.wait_for_function("() => document.activeElement.closest('.govuk-error-summary') !== null")
    # The summary's link moves focus to the field in error.
    _tab_to(page, "el.closest('.govuk-error-summary') && el.tagName === 'A'", limit=5)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"
