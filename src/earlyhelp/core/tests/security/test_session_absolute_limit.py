"""The 12-hour absolute limit on the real clock: a session whose sign-in is moved back past 12
hours is ended at its next request, however active it has been (issue 11, IG tests)."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.security import sessions
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _move_sign_in_back(client, seconds: float) -> None:
    key = client.cookies["sessionid"].value
    store = SessionStore(session_key=key)
    store[sessions.SIGNED_IN_AT] = time.time() - seconds
    store[sessions.LAST_SEEN_AT] = time.time() - 60  # active a minute ago
    store.save()


@pytest.mark.parametrize("hours_ago,ended", [(11.9, False), (12.01, True)])
def test_an_active_api_session_older_than_12_hours_is_ended(hours_ago, ended):
    user = UserFactory()
    client = verified_login(APIClient(), user)
    assert client.get("/api/caseload/").status_code == 200
    _move_sign_in_back(client, hours_ago * 3600)
    response = client.get("/api/caseload/")
    if not ended:
        assert response.status_code == 200
        return
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "expired" and body["status"] == 401
    assert client.get("/api/caseload/").status_code in (401, 403)  # signed out for good
    assert AuditEvent.objects.filter(user=user, detail="session ended: 12 hours").exists()


def test_an_active_page_session_older_than_12_hours_goes_to_sign_in():
    user = UserFactory()
    client = verified_login(Client(), user)
    _move_sign_in_back(client, 12 * 3600 + 5)
    response = client.get("/caseload/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(user=user, detail="session ended: 12 hours").exists()
