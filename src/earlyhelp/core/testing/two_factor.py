"""Signing in for tests, now that every role needs a second factor.

`verified_login(client, user)` – for Django's test Client (pages) and DRF's APIClient used with
sessions: signs the user in and marks the session as having passed two-factor verification,
exactly as the verify page does after a correct code. `APIClient.force_authenticate(user)`
needs nothing: DRF's test-only forced authentication never reaches the two-factor check.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_DEVICE_NAME = "test"


def device_for_tests(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    return device


def verified_login(client, user):
    """Sign `user` in on `client` with a verified second factor; returns the client."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for_tests(user).persistent_id
    session.save()
    return client
