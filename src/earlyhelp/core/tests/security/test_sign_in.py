"""Signing in: audited successes, failures and sign-outs; lockout after 10 failures for 30
minutes (by username, never permanent); passwords of 12+ characters, not common ones."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.tests.factories import UserFactory

from .helpers import sign_in

pytestmark = [pytest.mark.urls("earlyhelp.core.tests.security.urls"), pytest.mark.django_db]


def test_a_successful_sign_in_is_audited_with_the_address():
    user = UserFactory()
    _client, response = sign_in(user, ip="192.0.2.7")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="sign_in", user=user)
    assert event.ip_address == "192.0.2.7"
    assert event.object_id == str(user.pk)
    assert event.at.tzinfo is not None and event.at.utcoffset() == dt.timedelta(0)


def test_a_failed_sign_in_is_audited_without_the_password():
    user = UserFactory()
    _client, response = sign_in(user, password="wrong password guess")
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="sign_in_failed")
    assert event.user is None and event.object_id == str(user.pk)
    assert user.username in event.detail
    assert "wrong password guess" not in str(event.detail) + str(event.changes)


def test_ten_failures_lock_the_username_for_thirty_minutes_even_with_the_right_password():
    user = UserFactory()
    for _ in range(10):
        sign_in(user, password="not the password")
    _client, response = sign_in(user)  # right password, but locked
    assert response.status_code == 429
    assert "You cannot sign in for 30 minutes" in response.content.decode()
    assert AuditEvent.objects.filter(action="refused", object_id=str(user.pk)).exists()
    assert not AuditEvent.objects.filter(action="sign_in", user=user).exists()
    # Another user at the same address is not locked out (lockout is by username).
    other = UserFactory()
    assert sign_in(other)[1].status_code == 302


def test_nine_failures_do_not_lock_and_a_success_resets_the_count():
    user = UserFactory()
    for _ in range(9):
        sign_in(user, password="not the password")
    assert sign_in(user)[1].status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_the_lock_lifts_after_thirty_minutes():
    user = UserFactory()
    for _ in range(10):
        sign_in(user, password="not the password")
    assert sign_in(user)[1].status_code == 429
    AccessAttempt.objects.filter(username=user.username).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=31)
    )
    assert sign_in(user)[1].status_code == 302


def test_signing_out_is_audited():
    user = UserFactory()
    client, _ = sign_in(user)
    client.post("/sign-out/")
    assert AuditEvent.objects.filter(action="sign_out", user=user).exists()


@pytest.mark.parametrize(
    "password, message",
    [
        ("short pass", "at least 12 characters"),
        ("qwerty123456", "too common"),
        ("1q2w3e4r5t6y", "too common"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=UserFactory.build(username="sam"))
    assert message in " ".join(error.value.messages)


def test_a_long_password_needs_no_digits_or_symbols():
    validate_password("purple elephants dance slowly", user=UserFactory.build(username="sam"))
