"""Two-factor sign-in: every role sets up an authenticator app, then enters a code (or a
recovery code) after their password; until then pages redirect and the API answers 403."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.security import two_factor
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory

from .helpers import set_up_authenticator, sign_in

pytestmark = [pytest.mark.urls("earlyhelp.core.tests.security.urls"), pytest.mark.django_db]


@pytest.mark.parametrize("role", Role.values)
def test_every_role_must_set_up_two_factor_before_any_page_or_endpoint(role):
    user = UserFactory(role=role)
    client, response = sign_in(user)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/account/two-factor/?next=")
    api = client.get("/api/episodes/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    assert "Two-factor verification required" in api.json()["detail"]


def test_setting_up_shows_a_qr_code_and_the_key_and_then_ten_recovery_codes_once():
    user = UserFactory()
    client, _ = sign_in(user)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = two_factor.pending_authenticator(user)
    assert page.context["secret"] == two_factor.secret_for_humans(device)
    assert not device.confirmed

    response = client.post("/account/two-factor/", {"code": two_factor.current_code(device)})
    assert response.status_code == 302
    first = client.get(response["Location"])
    codes = first.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in first.content.decode() for code in codes)
    again = client.get("/account/two-factor/recovery-codes/")
    assert again.context["codes"] is None  # shown once only
    assert codes[0] not in again.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    # The session that set it up is verified.
    assert client.get("/api/episodes/").status_code == 200
    assert AuditEvent.objects.filter(user=user, detail="two-factor authenticator set up").exists()


def test_a_wrong_setup_code_is_refused_and_nothing_is_confirmed():
    user = UserFactory()
    client, _ = sign_in(user)
    client.get("/account/two-factor/")
    device = two_factor.pending_authenticator(user)
    wrong = f"{(int(two_factor.current_code(device)) + 500000) % 1000000:06d}"
    response = client.post("/account/two-factor/", {"code": wrong})
    assert response.status_code == 400
    assert "The code is not correct" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert client.get("/api/episodes/").status_code == 403


def test_letters_in_a_setup_code_get_a_clear_message():
    user = UserFactory()
    client, _ = sign_in(user)
    response = client.post("/account/two-factor/", {"code": "12ab56"})
    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()


def test_next_sign_in_asks_for_a_code_and_a_right_code_lets_the_user_in():
    user = UserFactory()
    client, _ = sign_in(user)
    device, _codes = set_up_authenticator(client, user)
    client.post("/sign-out/")

    client, _ = sign_in(user)
    page = client.get("/api/caseload/")
    assert page.status_code == 403
    assert client.get("/").get("Location", "").startswith("/account/two-factor/verify/")
    # The code of the time step already used at setup is refused (no replay)...
    replay = client.post("/account/two-factor/verify/", {"code": two_factor.current_code(device)})
    assert replay.status_code == 400
    assert AuditEvent.objects.filter(user=user, action="sign_in_failed").exists()
    # ...a fresh code is accepted (rewind the device: the next step, once the wait has passed).
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    response = client.post(
        "/account/two-factor/verify/?next=/api/caseload/",
        {"code": two_factor.current_code(device), "next": "/api/caseload/"},
    )
    assert response.status_code == 302 and response["Location"] == "/api/caseload/"
    assert client.get("/api/caseload/").status_code == 200
    assert AuditEvent.objects.filter(
        user=user, action="sign_in", detail="two-factor code accepted"
    ).exists()


def test_a_recovery_code_works_once():
    user = UserFactory()
    client, _ = sign_in(user)
    _device, codes = set_up_authenticator(client, user)
    client.post("/sign-out/")

    client, _ = sign_in(user)
    response = client.post("/account/two-factor/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/api/caseload/").status_code == 200
    assert two_factor.recovery_codes_left(user) == 9
    assert AuditEvent.objects.filter(user=user, detail="recovery code used; 9 left").exists()
    client.post("/sign-out/")

    client, _ = sign_in(user)
    again = client.post("/account/two-factor/verify/", {"code": codes[0]})
    assert again.status_code == 400
    assert client.get("/api/caseload/").status_code == 403


def test_new_recovery_codes_cancel_the_old_ones():
    user = UserFactory()
    client, _ = sign_in(user)
    _device, old = set_up_authenticator(client, user)
    response = client.post("/account/two-factor/recovery-codes/new/")
    assert response.status_code == 302
    new = client.get("/account/two-factor/recovery-codes/").context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == (
        set(new)
    )


def test_an_unverified_user_cannot_replace_the_authenticator():
    user = UserFactory()
    client, _ = sign_in(user)
    set_up_authenticator(client, user)
    client.post("/sign-out/")
    client, _ = sign_in(user)
    response = client.get("/account/two-factor/?replace=1")
    assert response["Location"].startswith("/account/two-factor/verify/")
    refused = client.post("/account/two-factor/recovery-codes/new/")
    assert refused["Location"].startswith("/account/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_deleted_authenticator_unverifies_the_session():
    """An administrator resetting a user's two-factor (deleting the device) takes effect at once."""
    user = UserFactory()
    client = verified_login(APIClient(), user)
    assert client.get("/api/caseload/").status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get("/api/caseload/").status_code == 403


def test_verified_login_helper_and_force_authenticate_both_reach_the_api():
    user = UserFactory()
    assert verified_login(APIClient(), user).get("/api/caseload/").status_code == 200
    forced = APIClient()
    forced.force_authenticate(user)
    assert forced.get("/api/caseload/").status_code == 200


def test_http_basic_authentication_is_not_accepted():
    """A password alone must not reach the API: Basic auth would skip the second factor."""
    import base64

    user = UserFactory()
    token = base64.b64encode(f"{user.username}:correct horse battery staple".encode()).decode()
    response = APIClient().get("/api/caseload/", HTTP_AUTHORIZATION=f"Basic {token}")
    # The header is ignored (session authentication only): an anonymous caller, refused 403.
    assert response.status_code == 403


@pytest.mark.urls("earlyhelp.urls")
def test_the_real_sign_in_page_leads_to_two_factor_and_counts_failures():
    from django.test import Client
    from django.urls import reverse

    url = reverse("web:sign_in")
    user = UserFactory()
    client = Client()
    response = client.post(url, {"username": user.username, "password": "wrong password 1"})
    assert response.status_code == 200  # the page again, with the error summary
    assert AuditEvent.objects.filter(action="sign_in_failed", object_id=str(user.pk)).exists()
    response = client.post(
        url, {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith("/account/two-factor/")
