"""The sign-in page's buttons, the start page when a provider cannot be reached, and linking
users from the command line (all or nothing)."""

import pytest
from django.core.management import CommandError, call_command

from earlyhelp.core.models import AuditAction, AuditEvent
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.sso.config import parse
from earlyhelp.sso.models import ExternalIdentity, LinkSource

pytestmark = pytest.mark.django_db


def _provider(**changes):
    return {
        "slug": "entra",
        "name": "Northshire County Council",
        "issuer": "http://127.0.0.1:9/tenant/v2.0",  # port 9 (discard): nothing answers
        "client_id": "eh",
        "client_secret": "s",
        "match_claim": "oid",
    } | changes


def test_no_providers_no_buttons(client, settings):
    settings.EARLYHELP_SSO_PROVIDERS = []
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with" not in page
    assert 'name="username"' in page  # local accounts with TOTP stay


def test_a_button_per_provider_keeping_where_to_go_next(client, settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse(
        [_provider(), _provider(slug="partners", name="Partner Schools")]
    )
    page = client.get("/sign-in/?next=/caseload/").content.decode()
    assert 'href="/sso/entra/start/?next=%2Fcaseload%2F"' in page
    assert ">Sign in with Northshire County Council</a>" in page
    assert ">Sign in with Partner Schools</a>" in page
    assert 'role="button"' in page and 'name="username"' in page


def test_unknown_provider_is_404(client, settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    assert client.get("/sso/nobody/start/").status_code == 404
    assert client.get("/sso/nobody/callback/?state=x&code=y").status_code == 404


def test_unreachable_provider_gives_a_page_and_an_audit_row(client, settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    response = client.get("/sso/entra/start/")
    assert response.status_code == 502
    assert "Sorry, you could not be signed in" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert "could not read the provider's discovery document" in event.detail


def test_callback_without_a_started_sign_in_is_refused(client, settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    response = client.get("/sso/entra/callback/?state=made-up&code=stolen")
    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN_FAILED, detail__contains="state does not match"
    ).exists()


def test_link_command_one_user(settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    user = UserFactory(username="jsmith")
    call_command("sso_link", provider="entra", username="jsmith", subject="oid-1")
    link = ExternalIdentity.objects.get()
    assert (link.user, link.claim, link.subject) == (user, "oid", "oid-1")
    assert link.source == LinkSource.ADMINISTRATOR
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="sso.externalidentity")
    call_command("sso_link", provider="entra", username="jsmith", remove=True)
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE, detail__contains="link removed")


def test_link_command_csv_is_all_or_nothing(settings, tmp_path, capsys):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    UserFactory(username="amy")
    UserFactory(username="ben")
    sheet = tmp_path / "links.csv"
    sheet.write_text("username,subject\namy,oid-a\nnobody,oid-n\nben,oid-a\n")
    with pytest.raises(CommandError, match="2 row"):
        call_command("sso_link", provider="entra", csv=sheet)
    out = capsys.readouterr().out
    assert "row 2: amy: ok" in out
    assert "row 3: nobody: no earlyhelp user with this username" in out
    assert "row 4: ben: oid oid-a is already linked to someone" in out
    assert not ExternalIdentity.objects.exists()

    sheet.write_text("username,subject\namy,oid-a\nben,oid-b\n")
    call_command("sso_link", provider="entra", csv=sheet)
    assert set(ExternalIdentity.objects.values_list("subject", flat=True)) == {"oid-a", "oid-b"}


def test_link_command_names_the_providers(settings):
    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    with pytest.raises(CommandError, match=r"No provider 'other' \(providers: entra\)"):
        call_command("sso_link", provider="other", username="x", subject="y")


def test_administrator_links_a_user_in_the_admin(client, settings):
    from earlyhelp.core.models import Role
    from earlyhelp.core.testing.two_factor import verified_login

    settings.EARLYHELP_SSO_PROVIDERS = parse([_provider()])
    admin = UserFactory(username="admin1", role=Role.ADMIN, is_staff=True, is_superuser=True)
    worker = UserFactory(username="worker1")
    verified_login(client, admin)
    form = {"user": str(worker.pk), "provider": "entra", "subject": "oid-w"}

    response = client.post("/admin/sso/externalidentity/add/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    link = ExternalIdentity.objects.get()
    assert (link.user, link.claim, link.source) == (worker, "oid", LinkSource.ADMINISTRATOR)
    event = AuditEvent.objects.get(object_type="sso.externalidentity", action=AuditAction.CREATE)
    assert event.user_id == admin.pk
    # The same subject twice is a form error, not a crash.
    again = client.post("/admin/sso/externalidentity/add/", form | {"user": str(admin.pk)})
    assert again.status_code == 200 and "already exists" in again.content.decode()
    assert ExternalIdentity.objects.count() == 1
