"""The whole OpenID Connect flow against a real provider (node-oidc-provider on 127.0.0.1, PKCE
required): earlyhelp's live server, the provider's own sign-in and consent forms, real tokens
signed with the provider's keys. Nothing of the protocol is mocked."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from earlyhelp.core.models import AuditAction, AuditEvent, Role
from earlyhelp.core.security.two_factor import current_code
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory
from earlyhelp.sso.models import ExternalIdentity, LinkSource, ProviderMfaDevice

from .flow import Visitor, with_param

pytestmark = [pytest.mark.oidc, pytest.mark.django_db(transaction=True)]

User = get_user_model()


@pytest.fixture
def visitor(live_server):
    yield Visitor(live_server.url)
    Visitor.close_all()


def _events(action, text=""):
    return list(AuditEvent.objects.filter(action=action, detail__contains=text).order_by("id"))


def _signed_in_at_start_page(visitor) -> bool:
    page = visitor.get("/")
    return page.status_code == 200 and "/sign-in/" not in page.url


def test_matched_by_verified_email_with_provider_mfa_trusted(use_providers, visitor):
    use_providers({"trust_mfa": True})
    alice = UserFactory(username="alice", email="Alice@Northshire.test", role=Role.WORKER)

    page = visitor.sign_in("council", "alice", next_url="/caseload/")

    # No TOTP step: the provider's amr said mfa and settings trust it.
    assert page.status_code == 200, page.text[:1000]
    assert page.url.endswith("/caseload/")
    link = ExternalIdentity.objects.get(user=alice, provider="council")
    assert (link.claim, link.subject, link.source) == (
        "sub",
        "sub-alice",
        LinkSource.VERIFIED_EMAIL,
    )
    assert link.last_sign_in_at is not None
    assert ProviderMfaDevice.objects.filter(user=alice, provider="council").count() == 1
    signed_in = _events(AuditAction.SIGN_IN, "single sign-on via Northshire County Council")
    assert [e.user_id for e in signed_in] == [alice.pk]
    assert "verified email matched; amr pwd,mfa" in signed_in[0].detail
    mfa = _events(AuditAction.SIGN_IN, "two-factor: Northshire County Council")
    assert [e.user_id for e in mfa] == [alice.pk] and "(amr mfa)" in mfa[0].detail
    assert _events(AuditAction.CREATE, "single sign-on link") != []

    # A second sign-in (a new browser) is matched by the link, even after the address changes.
    User.objects.filter(pk=alice.pk).update(email="alice.archer@elsewhere.test")
    again = Visitor(visitor.base)
    assert again.sign_in("council", "alice").status_code == 200
    assert _signed_in_at_start_page(again)
    assert "linked sub" in _events(AuditAction.SIGN_IN, "single sign-on")[-1].detail
    assert ExternalIdentity.objects.filter(user=alice).count() == 1


def test_provider_mfa_not_trusted_means_our_totp_step(use_providers, visitor):
    use_providers({"trust_mfa": False})
    alice = UserFactory(username="alice", email="alice@northshire.test")
    device = TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)

    page = visitor.sign_in("council", "alice", next_url="/caseload/")

    assert page.status_code == 200
    assert "/account/two-factor/verify/" in page.url  # signed in, second factor still owed
    assert not ProviderMfaDevice.objects.exists()
    assert _events(AuditAction.SIGN_IN, "two-factor") == []
    # Completing our own two-factor step lets them in, as for a local sign-in.
    verify = "/account/two-factor/verify/?next=/caseload/"
    done = visitor.follow(visitor.post(verify, {"code": current_code(device)}))
    assert done.status_code == 200 and done.url.endswith("/caseload/")
    assert _events(AuditAction.SIGN_IN, "two-factor code accepted") != []


def test_provider_mfa_trusted_but_absent_means_our_totp_step(use_providers, visitor):
    use_providers({"trust_mfa": True})
    UserFactory(username="bob", email="bob@northshire.test")  # no authenticator yet

    page = visitor.sign_in("council", "bob")

    # bob's provider sign-in was password only (amr pwd): he must set up our authenticator.
    assert "/account/two-factor/" in page.url
    assert not ProviderMfaDevice.objects.exists()


def test_provider_acr_counts_when_configured(use_providers, visitor):
    use_providers({"trust_mfa": True, "mfa_acr": ["urn:northshire:loa:high"]})
    gwen = UserFactory(username="gwen", email="gwen@northshire.test")

    page = visitor.sign_in("council", "gwen")

    assert page.status_code == 200 and "/account/two-factor/" not in page.url
    assert "(acr urn:northshire:loa:high)" in _events(AuditAction.SIGN_IN, "two-factor")[0].detail
    assert ProviderMfaDevice.objects.filter(user=gwen).exists()


def test_unknown_person_is_refused_and_no_user_is_made(use_providers, visitor):
    use_providers({})
    users_before = User.objects.count()

    page = visitor.sign_in("council", "dave")

    assert page.status_code == 403
    assert "Your account is not set up" in page.text
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    refused = _events(AuditAction.REFUSED, "single sign-on via Northshire County Council")
    assert len(refused) == 1 and "dave@partner.test (verified)" in refused[0].detail
    assert refused[0].user_id is None
    assert not _signed_in_at_start_page(visitor)


def test_unverified_email_is_not_a_match(use_providers, visitor):
    use_providers({"trust_mfa": True})
    UserFactory(username="carol", email="carol@northshire.test")

    page = visitor.sign_in("council", "carol")

    assert page.status_code == 403 and "Your account is not set up" in page.text
    assert not ExternalIdentity.objects.exists()
    assert "carol@northshire.test (not verified)" in _events(AuditAction.REFUSED)[-1].detail


def test_auto_provisioning_only_when_enabled_for_the_provider(use_providers, visitor):
    school = OrganisationFactory(name="Northshire Academy", code="URN123456")
    use_providers(
        {"trust_mfa": True},
        {
            "slug": "partners",
            "name": "Partner Schools",
            "auto_provision": True,
            "provision_role": "partner",
            "provision_organisation": "URN123456",
            "trust_mfa": True,
        },
    )
    # Through the provider without auto-provisioning: refused, nobody made.
    assert visitor.sign_in("council", "dave").status_code == 403
    assert not User.objects.filter(email="dave@partner.test").exists()

    # Through the one that allows it: an account with the configured role and organisation.
    other = Visitor(visitor.base)
    page = other.sign_in("partners", "dave")
    assert page.status_code == 200 and "/sign-in/" not in page.url
    dave = User.objects.get(email="dave@partner.test")
    assert (dave.username, dave.role, dave.organisation) == (
        "dave@partner.test",
        Role.PARTNER,
        school,
    )
    assert (dave.first_name, dave.last_name) == ("Dave", "Dunn")
    assert not dave.has_usable_password()
    assert ExternalIdentity.objects.get(user=dave).source == LinkSource.PROVISIONED
    created = _events(
        AuditAction.CREATE, "account made at first single sign-on via Partner Schools"
    )
    assert len(created) == 1 and created[0].changes["role"] == [None, "partner"]

    # The next sign-in finds the same account.
    assert Visitor(visitor.base).sign_in("partners", "dave").status_code == 200
    assert User.objects.filter(email="dave@partner.test").count() == 1


def test_tampered_state_is_refused(use_providers, visitor):
    use_providers({"trust_mfa": True})
    UserFactory(username="alice", email="alice@northshire.test")

    callback = visitor.to_callback("council", "alice")
    page = visitor.follow(
        visitor.http.get(with_param(callback, state="forged-state"), allow_redirects=False)
    )

    assert page.status_code == 400
    assert "Sorry, you could not be signed in" in page.text
    failed = _events(AuditAction.SIGN_IN_FAILED, "state does not match")
    assert len(failed) == 1
    assert _events(AuditAction.SIGN_IN, "single sign-on") == []
    assert not _signed_in_at_start_page(visitor)
    # The genuine callback still works: the forged state used up nothing.
    assert visitor.follow(visitor.http.get(callback, allow_redirects=False)).status_code == 200
    assert _signed_in_at_start_page(visitor)


def test_a_response_naming_another_issuer_is_refused(use_providers, visitor):
    use_providers({"trust_mfa": True})
    UserFactory(username="alice", email="alice@northshire.test")

    callback = visitor.to_callback("council", "alice")
    forged = with_param(callback, iss="https://login.attacker.example")
    page = visitor.follow(visitor.http.get(forged, allow_redirects=False))

    assert page.status_code == 400
    assert _events(AuditAction.SIGN_IN_FAILED, "the response came from issuer")
    assert not _signed_in_at_start_page(visitor)


def test_replayed_callback_is_refused(use_providers, visitor):
    use_providers({"trust_mfa": True})
    UserFactory(username="alice", email="alice@northshire.test")

    callback = visitor.to_callback("council", "alice")
    assert visitor.follow(visitor.http.get(callback, allow_redirects=False)).status_code == 200
    stranger = Visitor(visitor.base)  # another browser replaying the same URL
    page = stranger.follow(stranger.http.get(callback, allow_redirects=False))
    assert page.status_code == 400
    assert not _signed_in_at_start_page(stranger)


def test_sign_out_ends_our_session_and_the_providers(
    use_providers, visitor, live_server, oidc_provider
):
    use_providers({"trust_mfa": True})
    alice = UserFactory(username="alice", email="alice@northshire.test")
    visitor.sign_in("council", "alice")
    assert _signed_in_at_start_page(visitor)

    response = visitor.sign_out()

    # Our session is over before the browser even reaches the provider.
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{oidc_provider.issuer}/session/end?")
    assert "id_token_hint=" in response.headers["Location"]
    assert _events(AuditAction.SIGN_OUT)[-1].user_id == alice.pk
    back = visitor.confirm_provider_sign_out(response)
    assert back.url == f"{live_server.url}/sign-in/"
    assert "You have signed out." in back.text
    assert not _signed_in_at_start_page(visitor)
    # The provider's session ended too: signing in again asks for the password again.
    callback = visitor.to_callback("council", "alice")  # asserts the provider's sign-in form
    assert callback.startswith(f"{live_server.url}/sso/council/callback/")


def test_disabled_user_is_refused(use_providers, visitor):
    use_providers({"trust_mfa": True})
    erin = UserFactory(username="erin", email="erin@northshire.test", is_active=False)

    page = visitor.sign_in("council", "erin")

    assert page.status_code == 403
    assert "Your account is switched off" in page.text
    refused = _events(AuditAction.REFUSED, "is disabled")
    assert len(refused) == 1 and refused[0].object_id == str(erin.pk)
    assert _events(AuditAction.SIGN_IN) == []
    assert not _signed_in_at_start_page(visitor)


def test_entra_style_object_id_needs_an_administrators_link(use_providers, visitor):
    from django.core.management import call_command

    use_providers({"slug": "entra", "name": "Northshire (Microsoft)", "match_claim": "oid"})
    alice = UserFactory(username="alice", email="alice@northshire.test")

    # A verified email is not enough for a provider matched on oid.
    assert visitor.sign_in("entra", "alice").status_code == 403
    call_command(
        "sso_link",
        provider="entra",
        username="alice",
        subject="00000000-0000-0000-0000-00000000a11c",
    )

    page = Visitor(visitor.base).sign_in("entra", "alice")

    assert page.status_code == 200 and "/account/two-factor/" in page.url  # MFA not trusted
    link = ExternalIdentity.objects.get(user=alice)
    assert (link.claim, link.source) == ("oid", LinkSource.ADMINISTRATOR)
    assert "linked oid" in _events(AuditAction.SIGN_IN, "single sign-on")[-1].detail
