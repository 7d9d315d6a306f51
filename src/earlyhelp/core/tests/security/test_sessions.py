"""Sessions end after 30 minutes idle or 12 hours in all; signing out or disabling a user ends
every session they have."""

import pytest
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent, UserSession
from earlyhelp.core.security import sessions
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory

pytestmark = [pytest.mark.urls("earlyhelp.core.tests.security.urls"), pytest.mark.django_db]


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves forward."""

    class Clock:
        now = 1_800_000_000.0

        def advance(self, seconds):
            self.now += seconds

    c = Clock()
    monkeypatch.setattr(sessions, "now", lambda: c.now)
    return c


def test_a_session_survives_29_minutes_idle(clock):
    user = UserFactory()
    client = verified_login(APIClient(), user)
    clock.advance(29 * 60)
    assert client.get("/api/caseload/").status_code == 200


def test_a_session_ends_after_30_minutes_idle(clock):
    user = UserFactory()
    client = verified_login(APIClient(), user)
    assert client.get("/api/caseload/").status_code == 200
    clock.advance(30 * 60 + 1)
    response = client.get("/api/caseload/")
    assert response.status_code == 401
    assert response.json()["code"] == "expired"
    assert client.get("/api/caseload/").status_code == 403  # now simply signed out
    assert AuditEvent.objects.filter(
        user=user, action="sign_out", detail="session ended: 30 minutes idle"
    ).exists()


def test_a_page_request_after_the_idle_limit_goes_to_sign_in_with_a_message(clock):
    user = UserFactory()
    client = verified_login(APIClient(), user)
    clock.advance(31 * 60)
    response = client.get("/account/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_activity_keeps_a_session_alive_but_not_beyond_12_hours(clock):
    user = UserFactory()
    client = verified_login(APIClient(), user)
    for _ in range(11 * 4):  # a request every 15 minutes for 11 hours
        clock.advance(15 * 60)
        assert client.get("/api/caseload/").status_code == 200
    clock.advance(60 * 60 + 1)  # 12 hours and a second after signing in
    response = client.get("/api/caseload/")
    assert response.status_code == 401
    assert AuditEvent.objects.filter(user=user, detail="session ended: 12 hours").exists()


def test_signing_out_ends_every_session_of_the_user():
    user = UserFactory()
    laptop = verified_login(APIClient(), user)
    phone = verified_login(APIClient(), user)
    other_user = verified_login(APIClient(), UserFactory())
    assert UserSession.objects.filter(user=user).count() == 2
    laptop.post("/sign-out/")
    assert phone.get("/api/caseload/").status_code == 403
    assert other_user.get("/api/caseload/").status_code == 200
    assert not UserSession.objects.filter(user=user).exists()
    assert Session.objects.count() == 1  # only the other user's
    assert AuditEvent.objects.filter(
        user=user, action="sign_out", detail="signed out; 1 other session(s) ended"
    ).exists()


def test_disabling_a_user_ends_all_their_sessions():
    user = UserFactory()
    laptop = verified_login(APIClient(), user)
    phone = verified_login(APIClient(), user)
    user.is_active = False
    user.save()
    assert laptop.get("/api/caseload/").status_code == 403
    assert phone.get("/api/caseload/").status_code == 403
    assert not UserSession.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        object_id=str(user.pk), action="change", detail="account disabled; 2 session(s) ended"
    ).exists()


def test_other_saves_of_a_user_leave_sessions_alone():
    user = UserFactory()
    client = verified_login(APIClient(), user)
    user.job_title = "Family support worker"
    user.save()
    assert client.get("/api/caseload/").status_code == 200
