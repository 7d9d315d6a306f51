"""The relying-party checks, one by one, against tokens signed with real keys and a provider's
discovery document and keys served over HTTP on 127.0.0.1 (a small server of our own, so each
bad token can be made on purpose)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache

from earlyhelp.sso import oidc
from earlyhelp.sso.config import parse

CLIENT_ID = "earlyhelp"


class Issuer:
    """Serves /.well-known/openid-configuration and /jwks; counts what is fetched."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "key-1"
        self.fetches: dict[str, int] = {}
        self.discovery_issuer = None  # None: the real URL
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                issuer.fetches[self.path] = issuer.fetches.get(self.path, 0) + 1
                body = issuer.document(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body or {}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def document(self, path):
        if path == "/.well-known/openid-configuration":
            return {
                "issuer": self.discovery_issuer or self.url,
                "authorization_endpoint": f"{self.url}/auth",
                "token_endpoint": f"{self.url}/token",
                "jwks_uri": f"{self.url}/jwks",
                "end_session_endpoint": f"{self.url}/logout",
                "code_challenge_methods_supported": ["S256"],
            }
        if path == "/jwks":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return {"keys": [public | {"kid": self.kid, "use": "sig", "alg": "RS256"}]}
        return None

    def token(self, *, key=None, kid=None, alg="RS256", **changes):
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": "sub-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": "the-nonce",
        } | changes
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key or self.key, algorithm=alg, headers={"kid": kid or self.kid})


@pytest.fixture
def issuer():
    cache.clear()
    server = Issuer()
    yield server
    server.server.shutdown()
    cache.clear()


@pytest.fixture
def provider(issuer):
    (provider,) = parse(
        [
            {
                "slug": "test",
                "name": "Test",
                "issuer": issuer.url,
                "client_id": CLIENT_ID,
                "client_secret": "client-secret",
            }
        ]
    )
    return provider


def test_pkce_s256_matches_rfc_7636_appendix_b():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert oidc.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_authorization_request_carries_state_nonce_and_pkce(provider, issuer):
    url, pending = oidc.start(provider, redirect_uri="http://testserver/cb/", next_url="/x/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{issuer.url}/auth?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid email profile"
    assert (query["state"], query["nonce"]) == (pending.state, pending.nonce)
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == oidc.code_challenge(pending.code_verifier)
    assert 43 <= len(pending.code_verifier) <= 128
    _, other = oidc.start(provider, redirect_uri="http://testserver/cb/", next_url="/")
    assert len({pending.state, other.state, pending.nonce, other.nonce}) == 4


def test_a_good_token_passes(provider, issuer):
    claims = oidc.verify_id_token(provider, issuer.token(amr=["pwd", "mfa"]), nonce="the-nonce")
    assert claims["sub"] == "sub-1" and claims["amr"] == ["pwd", "mfa"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://someone-else.example"}, "Invalid issuer"),
        ({"aud": "another-client"}, "Audience doesn't match"),
        ({"exp": int(time.time()) - 3600}, "Signature has expired"),
        ({"iat": None}, 'missing the "iat" claim'),
        ({"nonce": "another-nonce"}, "nonce is not the one this sign-in sent"),
        ({"nonce": None}, "nonce is not the one this sign-in sent"),
        ({"aud": [CLIENT_ID, "another-client"]}, "several audiences"),
    ],
)
def test_bad_claims_are_refused(provider, issuer, change, reason):
    with pytest.raises(oidc.OidcError, match=reason):
        oidc.verify_id_token(provider, issuer.token(**change), nonce="the-nonce")


def test_several_audiences_with_us_as_authorized_party_pass(provider, issuer):
    token = issuer.token(aud=[CLIENT_ID, "another"], azp=CLIENT_ID)
    assert oidc.verify_id_token(provider, token, nonce="the-nonce")["azp"] == CLIENT_ID


def test_a_signature_by_another_key_is_refused(provider, issuer):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(oidc.OidcError, match="Signature verification failed"):
        oidc.verify_id_token(provider, issuer.token(key=stranger), nonce="the-nonce")


def test_unsigned_and_shared_secret_tokens_are_refused(provider, issuer):
    unsigned = jwt.encode({"iss": issuer.url, "sub": "x"}, None, algorithm="none")
    with pytest.raises(oidc.OidcError, match="'none', which is not allowed"):
        oidc.verify_id_token(provider, unsigned, nonce="the-nonce")
    hmac = issuer.token(key="client-secret-long-enough-for-hs256-0123456789", alg="HS256")
    with pytest.raises(oidc.OidcError, match="'HS256', which is not allowed"):
        oidc.verify_id_token(provider, hmac, nonce="the-nonce")


def test_discovery_and_keys_are_cached(provider, issuer):
    for _ in range(3):
        oidc.verify_id_token(provider, issuer.token(), nonce="the-nonce")
    assert issuer.fetches == {"/.well-known/openid-configuration": 1, "/jwks": 1}


def test_rotated_keys_are_fetched_again_but_not_on_every_unknown_key(provider, issuer):
    oidc.verify_id_token(provider, issuer.token(), nonce="the-nonce")
    issuer.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer.kid = "key-2"
    # Just fetched: an unknown key id does not trigger a fetch within five minutes...
    with pytest.raises(oidc.OidcError, match="no signing key 'key-2'"):
        oidc.verify_id_token(provider, issuer.token(), nonce="the-nonce")
    assert issuer.fetches["/jwks"] == 1
    # ...after that it does, and the provider's new key is found.
    key = oidc.jwks_cache_key(provider)
    entry = cache.get(key)
    cache.set(key, entry | {"at": entry["at"] - oidc.JWKS_REFRESH_SECONDS - 1})
    assert oidc.verify_id_token(provider, issuer.token(), nonce="the-nonce")["sub"] == "sub-1"
    assert issuer.fetches["/jwks"] == 2


def test_a_discovery_document_naming_another_issuer_is_refused(provider, issuer):
    issuer.discovery_issuer = "https://impostor.example"
    with pytest.raises(oidc.OidcError, match="discovery says issuer 'https://impostor.example'"):
        oidc.metadata(provider)
    assert cache.get(f"sso:metadata:test:{provider.metadata_url}") is None  # not cached


def test_an_unreachable_provider_is_a_clear_error(provider, issuer):
    issuer.server.shutdown()
    issuer.server.server_close()
    with pytest.raises(oidc.OidcError, match="could not read the provider's discovery document"):
        oidc.metadata(provider)


def test_end_session_url(provider, issuer):
    url = oidc.end_session_url(
        provider, id_token="tok", post_logout_redirect_uri="http://testserver/sign-in/"
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{issuer.url}/logout?")
    assert query == {
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "http://testserver/sign-in/",
        "id_token_hint": "tok",
    }
