"""The sign-in and sign-out pages (a local account; single sign-on's buttons are in test_pages)."""

from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_pages_need_sign_in(client):
    response = client.get(reverse("web:start"))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=/")


def test_sign_in_page_is_govuk(client):
    response = client.get("/sign-in/")
    html = text(response)
    assert response.status_code == 200
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert "<title>Sign in – earlyhelp</title>" in html
    assert 'autocomplete="username"' in html


def test_empty_sign_in_shows_error_summary_and_inline_errors(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    html = text(response)
    assert "<title>Error: Sign in – earlyhelp</title>" in html
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert "govuk-input--error" in html
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    UserFactory(username="kim")
    response = client.post("/sign-in/", {"username": "kim", "password": "nope nope nope"})
    assert "Enter a correct username and password" in text(response)
    assert "_auth_user_id" not in client.session
    response = client.post("/sign-in/", {"username": "nobody", "password": "nope nope nope"})
    assert "Enter a correct username and password" in text(response)


def test_sign_in_goes_to_next_but_only_on_this_site(client):
    # Straight to the second factor (setting one up: kim has none), carrying next with it.
    UserFactory(username="kim")
    response = client.post("/sign-in/?next=/caseload/", {"username": "kim", "password": PASSWORD})
    assert response.url == "/account/two-factor/?next=%2Fcaseload%2F"
    client.logout()
    response = client.post(
        "/sign-in/?next=https://evil.example/", {"username": "kim", "password": PASSWORD}
    )
    assert response.url == "/account/two-factor/?next=%2F"


def test_sign_in_sends_the_browser_to_the_code_page_in_one_redirect(client):
    """Issue 14: not via the start page, which the two-factor gate turned back (two redirects)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    kim = UserFactory(username="kim")
    TOTPDevice.objects.create(user=kim, name="phone", confirmed=True)
    response = client.post("/sign-in/", {"username": "kim", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/account/two-factor/verify/?next=%2F", 302)]
    assert response.status_code == 200
    assert "Code from your authenticator app" in text(response)
    # Without the second factor the start page still turns back to it: the gate is unchanged.
    assert client.get("/").url == "/account/two-factor/verify/?next=%2F"


def test_sign_out_is_a_post(client):
    user = UserFactory(username="kim")
    verified_login(client, user)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.url == "/sign-in/"
    assert "_auth_user_id" not in client.session
