"""The OpenID Connect protocol, relying-party side: discovery, the authorization request with
PKCE, the code exchange and the ID token checks. No Django models here; the caller decides who
the person is (services.py).

HTTP is `requests` with timeouts; JOSE (signature checks, JWKS) is PyJWT with `cryptography`.
Why not a client framework: docs/decisions/sso-openid-connect-client.md.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import jwt
import requests
from django.core.cache import cache

from .config import Provider

TIMEOUT = (5, 10)  # seconds: connect, read
METADATA_SECONDS = 60 * 60  # discovery and keys are cached for an hour
JWKS_REFRESH_SECONDS = 5 * 60  # an unknown key id refetches the keys at most this often
CLOCK_SKEW_SECONDS = 60


class OidcError(Exception):
    """The provider or the response cannot be trusted; `reason` goes into the audit trail."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Pending:
    """What the sign-in start remembers in the session until the provider sends the person back."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next_url: str
    started_at: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636): base64url(sha256(verifier)), unpadded."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _get_json(url: str, what: str) -> dict:
    try:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(f"could not read the provider's {what} ({url}): {error}") from error
    if not isinstance(data, dict):
        raise OidcError(f"the provider's {what} is not a JSON object")
    return data


def metadata(provider: Provider) -> dict:
    """The provider's discovery document, cached; its issuer must be the configured one."""
    key = f"sso:metadata:{provider.slug}:{provider.metadata_url}"
    found = cache.get(key)
    if found is not None:
        return found
    data = _get_json(provider.metadata_url, "discovery document")
    if data.get("issuer") != provider.issuer:
        raise OidcError(
            f"discovery says issuer {data.get('issuer')!r}, settings say {provider.issuer!r}"
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(name), str):
            raise OidcError(f"discovery document has no {name}")
    methods = data.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise OidcError("the provider does not support PKCE with S256")
    cache.set(key, data, METADATA_SECONDS)
    return data


def jwks_cache_key(provider: Provider) -> str:
    return f"sso:jwks:{provider.slug}:{provider.issuer}"  # a changed issuer starts afresh


def _jwks(provider: Provider, *, refresh: bool = False) -> jwt.PyJWKSet:
    key = jwks_cache_key(provider)
    cached = cache.get(key)
    if cached is not None and refresh and time.time() - cached["at"] < JWKS_REFRESH_SECONDS:
        refresh = False  # fetched moments ago: an unknown key id will not appear by refetching
    if cached is None or refresh:
        cached = {
            "keys": _get_json(metadata(provider)["jwks_uri"], "signing keys"),
            "at": time.time(),
        }
        cache.set(key, cached, METADATA_SECONDS)
    try:
        return jwt.PyJWKSet.from_dict(cached["keys"])
    except jwt.PyJWTError as error:
        raise OidcError(f"the provider's signing keys cannot be read: {error}") from error


def _signing_key(provider: Provider, token: str):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise OidcError(f"the ID token is not a JWT: {error}") from error
    alg = header.get("alg")
    if alg not in provider.allowed_algorithms:
        raise OidcError(f"the ID token is signed with {alg!r}, which is not allowed")
    kid = header.get("kid")
    for refresh in (False, True):  # the provider may have rotated its keys since we cached them
        keys = [k for k in _jwks(provider, refresh=refresh).keys if kid is None or k.key_id == kid]
        keys = [k for k in keys if k.public_key_use in (None, "sig")]
        if len(keys) == 1 or (keys and kid is not None):
            return keys[0].key, alg
        if len(keys) > 1:
            raise OidcError("the ID token names no key and the provider has several")
    raise OidcError(f"no signing key {kid!r} at the provider")


def start(provider: Provider, *, redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The authorization URL to send the browser to, and what to remember until it returns."""
    pending = Pending(
        provider=provider.slug,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 allows 43-128
        redirect_uri=redirect_uri,
        next_url=next_url,
        started_at=time.time(),
    )
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": code_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
        **dict(provider.auth_params),
    }
    endpoint = metadata(provider)["authorization_endpoint"]
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}", pending


def exchange_code(provider: Provider, pending: Pending, code: str) -> dict:
    """Swap the authorization code (with the PKCE verifier) for tokens at the token endpoint."""
    data = metadata(provider)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending.redirect_uri,
        "code_verifier": pending.code_verifier,
    }
    auth = None
    # RFC 6749 2.3.1: HTTP Basic is the default every provider supports; some prefer the form.
    methods = data.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" in methods:
        auth = (quote(provider.client_id, safe=""), quote(provider.client_secret, safe=""))
    else:
        form |= {"client_id": provider.client_id, "client_secret": provider.client_secret}
    try:
        response = requests.post(
            data["token_endpoint"],
            data=form,
            auth=auth,
            timeout=TIMEOUT,
            headers={"Accept": "application/json"},
        )
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(f"the token endpoint did not answer: {error}") from error
    if response.status_code != 200 or not isinstance(body, dict):
        detail = body.get("error", "") if isinstance(body, dict) else ""
        raise OidcError(f"the token endpoint refused the code ({response.status_code} {detail})")
    if not isinstance(body.get("id_token"), str):
        raise OidcError("the token response has no ID token")
    return body


def verify_id_token(provider: Provider, token: str, *, nonce: str) -> dict:
    """Check the signature against the provider's keys, then iss, aud (and azp), exp, iat and
    the nonce we sent. Returns the claims."""
    key, alg = _signing_key(provider, token)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=provider.client_id,
            issuer=provider.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.PyJWTError as error:
        raise OidcError(f"the ID token failed its checks: {error}") from error
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != provider.client_id:
        raise OidcError("the ID token names several audiences but not us as the authorized party")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OidcError("the ID token's nonce is not the one this sign-in sent")
    return claims


def userinfo(provider: Provider, access_token: str, *, subject: str) -> dict:
    """Claims from the UserInfo endpoint (for providers that keep email and name out of the ID
    token in the code flow, as OpenID Connect Core 5.4 allows). Its sub must match."""
    endpoint = metadata(provider).get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    try:
        response = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        claims = response.json()
    except (requests.RequestException, ValueError) as error:
        raise OidcError(f"the UserInfo endpoint did not answer: {error}") from error
    if not isinstance(claims, dict) or claims.get("sub") != subject:
        raise OidcError("the UserInfo answer is about someone else (sub does not match)")
    return claims


def end_session_url(provider: Provider, *, id_token: str, post_logout_redirect_uri: str) -> str:
    """RP-initiated logout at the provider, or "" when it offers none."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except OidcError:
        return ""  # the provider is unreachable: signing out of earlyhelp still works
    if not endpoint:
        return ""
    query = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    if id_token:
        query["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}"
