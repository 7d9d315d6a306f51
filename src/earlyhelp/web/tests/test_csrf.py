"""The pages' CSRF token (web.csrf): Django's token form, accepted by Django's check, a fresh
mask each time, and the cookie sent as Django's own get_token would have it sent."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.web.csrf import masked_token

pytestmark = pytest.mark.django_db


def _request_with_secret(secret):
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret
    return request


def test_the_token_unmasks_to_the_secret_and_renews_the_cookie():
    secret = _get_new_csrf_string()
    request = _request_with_secret(secret)
    tokens = {masked_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask every time
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_the_mask_uses_every_character_evenly():
    request = _request_with_secret(_get_new_csrf_string())
    counts = Counter("".join(masked_token(request)[:32] for _ in range(3000)))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = 3000 * 32 / len(CSRF_ALLOWED_CHARS)  # about 1,548 each
    # A modulo bias would give the first eight characters about 4/3 of the others' share.
    assert max(counts.values()) < expected * 1.12 and min(counts.values()) > expected * 0.88


def test_without_a_secret_django_makes_one():
    request = RequestFactory().get("/")
    token = masked_token(request)
    made = request.META["CSRF_COOKIE"]
    assert len(made) == 32 and _unmask_cipher_token(token) == made
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def _page_token(client, path):
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_a_page_token_signs_out_under_csrf_checks_and_a_forged_one_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.worker)
    token = _page_token(client, "/caseload/")
    assert "csrftoken" in client.cookies  # sent with the page, as get_token has it sent
    forged = token[:32] + ("A" if token[32] != "A" else "B") + token[33:]
    refused = client.post("/sign-out/", {"csrfmiddlewaretoken": forged})
    assert refused.status_code == 403
    assert client.get("/caseload/").status_code == 200  # still signed in
    signed_out = client.post("/sign-out/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert client.get("/caseload/").status_code == 302  # to sign-in


def test_a_first_visit_gets_a_token_and_its_cookie():
    client = Client(enforce_csrf_checks=True)
    response = client.get("/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]
    assert _unmask_cipher_token(token) == response.cookies["csrftoken"].value
