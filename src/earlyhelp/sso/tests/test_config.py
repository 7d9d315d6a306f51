"""Provider settings: every mistake stops start-up with a message naming the field."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from earlyhelp.sso.config import csp_form_action, from_environment, parse

GOOD = {
    "slug": "entra",
    "name": "Northshire County Council",
    "issuer": "https://login.microsoftonline.com/9b3c-tenant/v2.0",
    "client_id": "11111111-2222",
    "client_secret": "secret",
}


def test_defaults_are_the_cautious_ones():
    (provider,) = parse([GOOD])
    assert provider.scopes == ("openid", "email", "profile")
    assert provider.match_claim == "sub" and provider.link_claim == "sub"
    assert provider.trust_mfa is False and provider.auto_provision is False
    assert provider.metadata_url == (
        "https://login.microsoftonline.com/9b3c-tenant/v2.0/.well-known/openid-configuration"
    )
    assert provider.origin == "https://login.microsoftonline.com"
    assert "secret" not in repr(provider)


def test_email_matching_links_by_sub():
    (provider,) = parse([GOOD | {"match_claim": "email"}])
    assert provider.link_claim == "sub"
    (provider,) = parse([GOOD | {"match_claim": "oid"}])
    assert provider.link_claim == "oid"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Bad Slug"}, "slug must be lower-case"),
        ({"issuer": "http://idp.example.org"}, "issuer must use https"),
        ({"issuer": "idp.example.org"}, "issuer must be an https:// URL"),
        ({"client_secret": ""}, "client_secret or client_secret_env is required"),
        ({"client_id": ""}, "client_id is required"),
        ({"scopes": ["email"]}, "scopes must include openid"),
        ({"auto_provision": True}, "auto_provision needs provision_role"),
        ({"auto_provision": True, "provision_role": "admin"}, "never admin"),
        ({"trust_mfa": "yes"}, "trust_mfa must be true or false"),
        ({"allowed_algorithms": ["HS256"]}, "public-key algorithms"),
        ({"auth_params": {"state": "x"}}, "protocol's own parameters"),
        ({"colour": "blue"}, "unknown field(s): colour"),
    ],
)
def test_mistakes_are_named(change, message):
    with pytest.raises(
        ImproperlyConfigured,
        match="provider 1: .*" + message.replace("(", r"\(").replace(")", r"\)"),
    ):
        parse([GOOD | change])


def test_slugs_must_differ():
    with pytest.raises(ImproperlyConfigured, match="used twice"):
        parse([GOOD, GOOD])


def test_secret_from_its_own_environment_variable():
    raw = GOOD | {"client_secret": "", "client_secret_env": "ENTRA_SECRET"}
    (provider,) = parse([raw], environ={"ENTRA_SECRET": "from-env"})
    assert provider.client_secret == "from-env"
    with pytest.raises(ImproperlyConfigured, match="ENTRA_SECRET is empty"):
        parse([raw], environ={})


def test_from_json_and_toml(tmp_path):
    assert from_environment({}) == []
    (provider,) = from_environment({"EARLYHELP_SSO_PROVIDERS": json.dumps([GOOD])})
    assert provider.slug == "entra"
    toml = tmp_path / "sso.toml"
    toml.write_text(
        '[[providers]]\nslug = "partners"\nname = "Partners"\n'
        'issuer = "https://idp.partner.example"\nclient_id = "eh"\nclient_secret = "s"\n'
        'match_claim = "email"\ntrust_mfa = true\n'
    )
    (provider,) = from_environment({"EARLYHELP_SSO_PROVIDERS_FILE": str(toml)})
    assert (provider.slug, provider.match_claim, provider.trust_mfa) == ("partners", "email", True)
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        from_environment({"EARLYHELP_SSO_PROVIDERS": "[{"})
    with pytest.raises(ImproperlyConfigured, match="no file at"):
        from_environment({"EARLYHELP_SSO_PROVIDERS_FILE": str(tmp_path / "missing.toml")})


def test_sign_out_redirect_is_allowed_by_the_content_security_policy():
    policy = {"DIRECTIVES": {"form-action": ["'self'"], "script-src": ["'self'"]}}
    changed = csp_form_action(policy, parse([GOOD]))
    assert changed["DIRECTIVES"]["form-action"] == ["'self'", "https://login.microsoftonline.com"]
    assert policy["DIRECTIVES"]["form-action"] == ["'self'"]  # the original is left alone
