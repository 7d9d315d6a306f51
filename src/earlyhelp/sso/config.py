"""Which OpenID Connect providers staff may sign in with: read from settings, checked once.

Pure Python (no models): settings/base.py calls `from_environment()` while settings load, so a
mistake in the configuration stops the server at start-up with a message naming the field,
instead of failing at someone's first sign-in. The fields are described in
docs/single-sign-on.md.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
# Roles a provider may hand out on first sign-in. Never "admin": an administrator account is
# always made by a person.
PROVISIONABLE_ROLES = {"partner", "front_door", "worker", "manager", "panel_member", "analyst"}
DEFAULT_MFA_AMR = ("mfa", "otp", "hwk")


@dataclass(frozen=True)
class Provider:
    slug: str
    name: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    # The claim that says who this is: "email" (only when email_verified is true), or a stable
    # identifier ("sub", Entra ID's "oid") kept as a link per provider.
    match_claim: str = "sub"
    trust_mfa: bool = False
    mfa_amr: tuple[str, ...] = DEFAULT_MFA_AMR
    mfa_acr: tuple[str, ...] = ()
    auto_provision: bool = False
    provision_role: str = ""
    provision_organisation: str = ""  # an Organisation's code or exact name
    discovery_url: str = ""
    redirect_uri: str = ""  # only when the address behind a proxy cannot be worked out
    auth_params: tuple[tuple[str, str], ...] = ()  # extra query, e.g. Entra's domain_hint
    allowed_algorithms: tuple[str, ...] = ("RS256", "RS384", "RS512", "PS256", "ES256")

    @property
    def link_claim(self) -> str:
        """The claim stored in a link: the stable identifier (an email address can be reused)."""
        return "sub" if self.match_claim == "email" else self.match_claim

    @property
    def metadata_url(self) -> str:
        return self.discovery_url or (self.issuer.rstrip("/") + "/.well-known/openid-configuration")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


def _problem(index: int, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"EARLYHELP_SSO_PROVIDERS, provider {index + 1}: {message}")


def _strings(value, index: int, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _problem(index, f"{name} must be a list of strings")
    return tuple(value)


def _bool(value, index: int, name: str) -> bool:
    if not isinstance(value, bool):
        raise _problem(index, f"{name} must be true or false")
    return value


def parse(raw: list[dict], environ=os.environ) -> list[Provider]:
    """Check every provider's fields; raise ImproperlyConfigured naming the first mistake."""
    if not isinstance(raw, list):
        raise ImproperlyConfigured("EARLYHELP_SSO_PROVIDERS must be a list of providers")
    known = set(Provider.__dataclass_fields__) | {"client_secret_env"}
    providers, slugs = [], set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _problem(index, "each provider must be an object/table")
        unknown = set(item) - known
        if unknown:
            raise _problem(index, f"unknown field(s): {', '.join(sorted(unknown))}")
        for name in ("slug", "name", "issuer", "client_id"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise _problem(index, f"{name} is required")
        slug = item["slug"]
        if not SLUG.match(slug):
            raise _problem(index, "slug must be lower-case letters, digits and hyphens")
        if slug in slugs:
            raise _problem(index, f"slug {slug!r} is used twice")
        slugs.add(slug)
        secret = item.get("client_secret", "")
        if item.get("client_secret_env"):
            secret = environ.get(item["client_secret_env"], "")
            if not secret:
                raise _problem(index, f"environment variable {item['client_secret_env']} is empty")
        if not secret:
            raise _problem(index, "client_secret or client_secret_env is required")
        issuer = item["issuer"]
        parts = urlsplit(issuer)
        if parts.scheme not in {"https", "http"} or not parts.netloc:
            raise _problem(index, "issuer must be an https:// URL")
        if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise _problem(index, "issuer must use https (plain http only on this machine)")
        scopes = _strings(item.get("scopes", Provider.scopes), index, "scopes")
        if "openid" not in scopes:
            raise _problem(index, "scopes must include openid")
        auto = _bool(item.get("auto_provision", False), index, "auto_provision")
        role = item.get("provision_role", "")
        if auto and role not in PROVISIONABLE_ROLES:
            raise _problem(
                index,
                "auto_provision needs provision_role, one of "
                + ", ".join(sorted(PROVISIONABLE_ROLES))
                + " (never admin)",
            )
        params = item.get("auth_params", {})
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise _problem(index, "auth_params must map names to strings")
        reserved = {"client_id", "redirect_uri", "state", "nonce", "code_challenge", "scope"}
        if reserved & set(params):
            raise _problem(index, "auth_params cannot set the protocol's own parameters")
        providers.append(
            Provider(
                slug=slug,
                name=item["name"],
                issuer=issuer,
                client_id=item["client_id"],
                client_secret=secret,
                scopes=scopes,
                match_claim=item.get("match_claim", "sub"),
                trust_mfa=_bool(item.get("trust_mfa", False), index, "trust_mfa"),
                mfa_amr=_strings(item.get("mfa_amr", DEFAULT_MFA_AMR), index, "mfa_amr"),
                mfa_acr=_strings(item.get("mfa_acr", ()), index, "mfa_acr"),
                auto_provision=auto,
                provision_role=role if auto else "",
                provision_organisation=item.get("provision_organisation", ""),
                discovery_url=item.get("discovery_url", ""),
                redirect_uri=item.get("redirect_uri", ""),
                auth_params=tuple(sorted(params.items())),
                allowed_algorithms=_strings(
                    item.get("allowed_algorithms", Provider.allowed_algorithms),
                    index,
                    "allowed_algorithms",
                ),
            )
        )
        if any(
            alg.upper().startswith("HS") or alg == "none"
            for alg in providers[-1].allowed_algorithms
        ):
            raise _problem(index, "allowed_algorithms must be public-key algorithms (no HS*, none)")
    return providers


def from_environment(environ=os.environ) -> list[Provider]:
    """EARLYHELP_SSO_PROVIDERS (JSON) or EARLYHELP_SSO_PROVIDERS_FILE (a .toml or .json file)."""
    text = environ.get("EARLYHELP_SSO_PROVIDERS", "").strip()
    path = environ.get("EARLYHELP_SSO_PROVIDERS_FILE", "").strip()
    if text and path:
        raise ImproperlyConfigured(
            "Set EARLYHELP_SSO_PROVIDERS or EARLYHELP_SSO_PROVIDERS_FILE, not both"
        )
    if path:
        file = Path(path)
        if not file.is_file():
            raise ImproperlyConfigured(f"EARLYHELP_SSO_PROVIDERS_FILE: no file at {path}")
        if file.suffix == ".toml":
            try:
                raw = tomllib.loads(file.read_text()).get("providers", [])
            except tomllib.TOMLDecodeError as error:
                raise ImproperlyConfigured(f"{path} is not valid TOML: {error}") from error
            return parse(raw, environ)
        text = file.read_text()
    if not text:
        return []
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"EARLYHELP_SSO_PROVIDERS is not valid JSON: {error}") from error
    return parse(raw, environ)


def csp_form_action(policy: dict, providers: list[Provider]) -> dict:
    """The Content Security Policy with each provider's origin added to form-action: browsers
    apply form-action to the redirect after a form is posted (signing out goes on to the
    provider's end-session page)."""
    directives = dict(policy.get("DIRECTIVES", {}))
    allowed = list(directives.get("form-action", ["'self'"]))
    allowed += [p.origin for p in providers if p.origin not in allowed]
    return {**policy, "DIRECTIVES": {**directives, "form-action": allowed}}
