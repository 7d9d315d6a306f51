"""Fixtures for single sign-on tests: a real OpenID Connect provider (node-oidc-provider, started
once per test session on 127.0.0.1) and a settings switch that points earlyhelp at it."""

import secrets
import warnings

import pytest
from tests.oidc import server

from earlyhelp.sso.config import csp_form_action, parse

CLIENT_ID = "earlyhelp"
CLIENT_SECRET = secrets.token_urlsafe(32)  # made afresh for each test run
SLUGS = ["council", "partners", "entra"]
PASSWORD = "provider password"

# The people the provider knows. Their earlyhelp accounts (if any) are made by each test.
ACCOUNTS = {
    "alice": {  # a council worker whose provider sign-in used a second factor
        "sub": "sub-alice",
        "claims": {
            "email": "alice@northshire.test",
            "email_verified": True,
            "given_name": "Alice",
            "family_name": "Archer",
            "oid": "00000000-0000-0000-0000-00000000a11c",
        },
        "amr": ["pwd", "mfa"],
    },
    "bob": {  # password only at the provider
        "sub": "sub-bob",
        "claims": {"email": "bob@northshire.test", "email_verified": True},
        "amr": ["pwd"],
    },
    "carol": {  # the provider has not verified her address
        "sub": "sub-carol",
        "claims": {"email": "carol@northshire.test", "email_verified": False},
        "amr": ["pwd", "mfa"],
    },
    "dave": {  # nobody has made him an earlyhelp account
        "sub": "sub-dave",
        "claims": {
            "email": "dave@partner.test",
            "email_verified": True,
            "given_name": "Dave",
            "family_name": "Dunn",
        },
        "amr": ["pwd", "mfa"],
    },
    "erin": {  # her earlyhelp account is switched off
        "sub": "sub-erin",
        "claims": {"email": "erin@northshire.test", "email_verified": True},
        "amr": ["pwd", "mfa"],
    },
    "gwen": {  # a second factor shown by acr (an assurance level), not amr
        "sub": "sub-gwen",
        "claims": {"email": "gwen@northshire.test", "email_verified": True},
        "amr": ["pwd"],
        "acr": "urn:northshire:loa:high",
    },
}


def pytest_collection_modifyitems(config, items):
    reason = server.missing_reason()
    marked = [item for item in items if item.get_closest_marker("oidc")]
    if reason is None or not marked:
        return
    warnings.warn(reason, stacklevel=1)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("!" * 78, red=True, bold=True)
        reporter.write_line(reason, red=True, bold=True)
        reporter.write_line("!" * 78, red=True, bold=True)
    for item in marked:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """The running provider: its issuer URL. One client, allowed back to each test slug."""
    reason = server.missing_reason()
    if reason:
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    base = live_server.url
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{base}/sso/{slug}/callback/" for slug in SLUGS],
        "post_logout_redirect_uris": [f"{base}/sign-in/"],
    }
    accounts = {login: {"password": PASSWORD, **account} for login, account in ACCOUNTS.items()}
    running = server.start(clients=[client], accounts=accounts)
    yield running
    running.stop()


@pytest.fixture
def use_providers(settings, oidc_provider):
    """use_providers({...}, ...): earlyhelp's providers for this test, each pointing at the real
    provider (slug, name, issuer and client filled in unless given)."""
    from django.core.cache import cache

    def _use(*overrides):
        raw = [
            {
                "slug": "council",
                "name": "Northshire County Council",
                "issuer": oidc_provider.issuer,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "match_claim": "email",
                **override,
            }
            for override in overrides
        ]
        settings.EARLYHELP_SSO_PROVIDERS = parse(raw)
        settings.CONTENT_SECURITY_POLICY = csp_form_action(
            settings.CONTENT_SECURITY_POLICY, settings.EARLYHELP_SSO_PROVIDERS
        )
        return settings.EARLYHELP_SSO_PROVIDERS

    cache.clear()
    yield _use
    cache.clear()
