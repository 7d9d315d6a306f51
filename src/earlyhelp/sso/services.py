"""Signing in with an OpenID Connect provider: who the person is, whether they may come in, and
whether the provider's multi-factor sign-in stands in for our own code.

The rules, in order (docs/single-sign-on.md):
1. A link (provider, subject) made earlier names the user.
2. Otherwise, for a provider matching on email: one user with that email, and only when the
   provider says `email_verified` is true. The link is made then, so later sign-ins match by
   `sub` even if the address changes.
3. Otherwise the person is unknown: refused (audited), unless an administrator turned on
   auto-provisioning for this provider, which makes an account with the configured role.
A disabled user is refused. Every outcome leaves an audit row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction, Organisation
from earlyhelp.core.security.sessions import client_ip

from . import oidc
from .config import Provider
from .models import ExternalIdentity, LinkSource, ProviderMfaDevice

PENDING_KEY = "_eh_sso_pending"  # sign-ins started in this browser, by state
SIGNED_IN_KEY = "_eh_sso"  # which provider signed this session in, and its ID token
PENDING_SECONDS = 10 * 60
PENDING_KEEP = 5  # sign-ins started at once (several tabs); older ones are dropped
# django.contrib.auth records the backend in the session and uses it to load the user on every
# request; ModelBackend does that (and refuses inactive users). It never sees a password here.
SESSION_BACKEND = "earlyhelp.core.security.backends.ModelBackend"


class Refused(Exception):
    """The person may not come in. `kind` picks the page: not_set_up, disabled or failed.

    The audit row is written by `complete()` after the sign-in's transaction has rolled back,
    so a refusal is never lost with the work it undid."""

    def __init__(
        self,
        kind: str,
        reason: str,
        *,
        status: int = 403,
        action: str = AuditAction.REFUSED,
        user_id=None,
    ):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.action = action
        self.user_id = user_id

    def record(self, request, provider: Provider) -> None:
        audit.record(
            user=None,
            action=self.action,
            **(
                {"object_type": "core.user", "object_id": str(self.user_id)} if self.user_id else {}
            ),
            detail=f"single sign-on via {provider.name}: {self.reason}"[:300],
            ip_address=client_ip(request),
        )


@dataclass
class SignedIn:
    user: object
    next_url: str
    mfa: str  # what the provider's claims said about a second factor, "" when nothing counted


# --- configuration ----------


def providers() -> list[Provider]:
    return list(getattr(settings, "EARLYHELP_SSO_PROVIDERS", []) or [])


def provider_or_404(slug: str) -> Provider:
    for provider in providers():
        if provider.slug == slug:
            return provider
    raise Http404("No such sign-in provider")


def safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _redirect_uri(request, provider: Provider) -> str:
    return provider.redirect_uri or request.build_absolute_uri(
        reverse("sso:callback", args=[provider.slug])
    )


# --- starting and finishing a sign-in ----------


def begin(request, *, provider: Provider, next_url: str) -> str:
    """Remember a new sign-in in the session; returns the provider's authorization URL."""
    url, pending = oidc.start(
        provider, redirect_uri=_redirect_uri(request, provider), next_url=next_url
    )
    started = dict(request.session.get(PENDING_KEY, {}))
    started[pending.state] = pending.as_dict()
    newest = sorted(started.values(), key=lambda p: p["started_at"])[-PENDING_KEEP:]
    request.session[PENDING_KEY] = {p["state"]: p for p in newest}
    return url


def _take_pending(request, provider: Provider, state: str) -> oidc.Pending | None:
    """The sign-in this state belongs to, used once; None when this browser did not start it."""
    started = dict(request.session.get(PENDING_KEY, {}))
    found = started.pop(state, None) if state else None
    request.session[PENDING_KEY] = started
    if found is None or found["provider"] != provider.slug:
        return None
    if time.time() - found["started_at"] > PENDING_SECONDS:
        return None
    return oidc.Pending(**found)


def failure(reason: str, *, status: int = 400) -> Refused:
    """A sign-in that went wrong (protocol, provider, configuration): audited as a failure."""
    return Refused("failed", reason, status=status, action=AuditAction.SIGN_IN_FAILED)


def complete(request, *, provider: Provider, params) -> SignedIn:
    """Handle the provider's redirect back: check it, learn who it is, sign them in.
    Raises Refused (already audited) when the person may not come in."""
    try:
        return _complete(request, provider, params)
    except Refused as refusal:
        refusal.record(request, provider)  # outside the rolled-back transaction
        raise


def _complete(request, provider: Provider, params) -> SignedIn:
    pending = _take_pending(request, provider, params.get("state", ""))
    if pending is None:
        raise failure("state does not match a sign-in started in this browser")
    if params.get("error"):
        error = f"{params.get('error')} {params.get('error_description', '')}".strip()
        raise failure(f"the provider answered {error}")
    # RFC 9207: a provider that names itself in the response must name the right issuer.
    if params.get("iss") and params["iss"] != provider.issuer:
        raise failure(f"the response came from issuer {params['iss']!r}")
    if not params.get("code"):
        raise failure("the response has no authorization code")
    try:
        tokens = oidc.exchange_code(provider, pending, params["code"])
        id_claims = oidc.verify_id_token(provider, tokens["id_token"], nonce=pending.nonce)
        claims = _with_userinfo(provider, id_claims, tokens.get("access_token", ""))
    except oidc.OidcError as error:
        raise failure(error.reason, status=502) from error
    with transaction.atomic():
        user, how = identify(provider=provider, claims=claims)
        if not user.is_active:
            raise Refused("disabled", f"account {user.username!r} is disabled", user_id=user.pk)
        mfa = mfa_evidence(provider, id_claims)
        amr = ",".join(_as_list(id_claims.get("amr"))) or "none"
        acr = f"; acr {id_claims['acr']}" if id_claims.get("acr") else ""
        # The security app's sign-in signal writes the audit row with this detail.
        request._eh_sign_in_detail = f"single sign-on via {provider.name} ({how}; amr {amr}{acr})"
        login(request, user, backend=SESSION_BACKEND)
        request.session[SIGNED_IN_KEY] = {"provider": provider.slug, "id_token": tokens["id_token"]}
        ExternalIdentity.objects.filter(user=user, provider=provider.slug).update(
            last_sign_in_at=timezone.now()
        )
        if mfa:
            _accept_provider_mfa(request, provider, user, mfa)
    return SignedIn(user=user, next_url=safe_next(request, pending.next_url), mfa=mfa)


def _with_userinfo(provider: Provider, id_claims: dict, access_token: str) -> dict:
    """ID token claims, with what the UserInfo endpoint adds when the token lacks the claims we
    match on (the ID token's own claims win; amr and acr are only ever read from the ID token)."""
    needed = {provider.match_claim} | (
        {"email_verified"} if provider.match_claim == "email" else set()
    )
    if needed <= set(id_claims):
        return id_claims
    extra = oidc.userinfo(provider, access_token, subject=id_claims["sub"])
    return {**extra, **id_claims}


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def mfa_evidence(provider: Provider, id_claims: dict) -> str:
    """What in the ID token shows a second factor, when settings trust this provider's MFA:
    `amr` naming one of the configured methods, or `acr` equal to a configured value."""
    if not provider.trust_mfa:
        return ""
    methods = [m for m in _as_list(id_claims.get("amr")) if m in provider.mfa_amr]
    if methods:
        return "amr " + ",".join(methods)
    if id_claims.get("acr") and str(id_claims["acr"]) in provider.mfa_acr:
        return f"acr {id_claims['acr']}"
    return ""


def _accept_provider_mfa(request, provider: Provider, user, evidence: str) -> None:
    device, _ = ProviderMfaDevice.objects.get_or_create(
        user=user, provider=provider.slug, defaults={"name": f"{provider.name} sign-in"[:64]}
    )
    otp_login(request, device)
    audit.record(
        user=user,
        action=AuditAction.SIGN_IN,
        object_type="core.user",
        object_id=str(user.pk),
        detail=f"two-factor: {provider.name}'s multi-factor sign-in accepted ({evidence})"[:300],
        ip_address=client_ip(request),
    )


# --- who is this? ----------


def email_is_verified(claims: dict) -> bool:
    # Some providers send the boolean as the string "true".
    return claims.get("email_verified") is True or claims.get("email_verified") == "true"


def identify(*, provider: Provider, claims: dict):
    """The earlyhelp user these claims belong to, and how we knew; raises Refused otherwise."""
    subject = claims.get(provider.link_claim)
    if not isinstance(subject, str) or not subject:
        raise failure(f"the provider sent no {provider.link_claim} claim")
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider.slug, subject=subject)
        .first()
    )
    if link is not None:
        return link.user, f"linked {provider.link_claim}"
    if provider.match_claim == "email":
        user = _match_by_email(provider, claims, subject)
        if user is not None:
            return user, "verified email matched"
    if provider.auto_provision:
        return provision_user(provider=provider, claims=claims), "new account"
    raise Refused("not_set_up", f"no earlyhelp account for {_describe(provider, claims)}")


def _describe(provider: Provider, claims: dict) -> str:
    parts = [f"{provider.link_claim} {claims.get(provider.link_claim)}"]
    if claims.get("email"):
        verified = "verified" if email_is_verified(claims) else "not verified"
        parts.append(f"email {claims['email']} ({verified})")
    return ", ".join(parts)


def _match_by_email(provider: Provider, claims: dict, subject: str):
    email = claims.get("email")
    if not email or not email_is_verified(claims):
        return None  # an unverified address proves nothing: treated as unknown
    users = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if len(users) > 1:
        raise failure(f"more than one earlyhelp account has email {email}", status=403)
    if not users:
        return None
    user = users[0]
    other = ExternalIdentity.objects.filter(provider=provider.slug, user=user).first()
    if other is not None:
        # The address now belongs to a different account at the provider than the one linked.
        raise failure(
            f"email {email} matches {user.username!r}, who is linked to another "
            f"{provider.link_claim} at this provider",
            status=403,
        )
    try:
        link_identity(
            user=user, provider=provider, subject=subject, source=LinkSource.VERIFIED_EMAIL, by=None
        )
    except ValueError as error:
        raise failure(str(error), status=403) from error
    return user


# --- writes ----------


@transaction.atomic
def link_identity(
    *, user, provider: Provider, subject: str, source: str, by=None
) -> ExternalIdentity:
    """Record that `user` is `subject` at `provider`. Refuses a subject or user already linked."""
    if ExternalIdentity.objects.filter(provider=provider.slug, subject=subject).exists():
        raise ValueError(f"{provider.link_claim} {subject} is already linked at {provider.slug}")
    if ExternalIdentity.objects.filter(provider=provider.slug, user=user).exists():
        raise ValueError(f"{user.username} is already linked at {provider.slug}")
    try:
        with transaction.atomic():
            link = ExternalIdentity.objects.create(
                user=user,
                provider=provider.slug,
                claim=provider.link_claim,
                subject=subject,
                source=source,
            )
    except IntegrityError as error:  # a sign-in in another tab made it a moment ago
        raise ValueError(f"{user.username} is already linked at {provider.slug}") from error
    audit.record(
        user=by,
        action=AuditAction.CREATE,
        obj=link,
        changes={"user": [None, user.username], "subject": [None, subject]},
        detail=f"single sign-on link to {provider.name}: {LinkSource(source).label}"[:300],
    )
    return link


@transaction.atomic
def unlink_identity(*, link: ExternalIdentity, by) -> None:
    audit.record(
        user=by,
        action=AuditAction.CHANGE,
        obj=link,
        changes={"subject": [link.subject, None]},
        detail=f"single sign-on link removed: {link.user.username} at {link.provider}",
    )
    link.delete()


def _organisation(provider: Provider) -> Organisation | None:
    wanted = provider.provision_organisation
    if not wanted:
        return None
    found = (
        Organisation.objects.filter(code=wanted).first()
        or Organisation.objects.filter(name=wanted).first()
    )
    if found is None:
        raise failure(
            f"provision_organisation {wanted!r} is not an organisation here: nobody was created",
            status=403,
        )
    return found


@transaction.atomic
def provision_user(*, provider: Provider, claims: dict):
    """Make an account at first sign-in – only for a provider an administrator allowed to, with
    the role settings give it. No password: this person signs in at their provider."""
    if not provider.auto_provision or not provider.provision_role:
        raise RuntimeError("auto-provisioning is not enabled for this provider")
    User = get_user_model()
    subject = claims[provider.link_claim]
    email = claims.get("email", "") if email_is_verified(claims) else ""
    if email and User.objects.filter(email__iexact=email).exists():
        raise failure(
            f"an earlyhelp account already has email {email}; link it instead of creating one",
            status=403,
        )
    fallback = f"{provider.slug}-{subject}"[:150]
    username = email.lower() if email and len(email) <= 150 else fallback
    if User.objects.filter(username=username).exists():
        username = fallback
    user = User(
        username=username,
        email=email,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
        role=provider.provision_role,
        organisation=_organisation(provider),
    )
    user.set_unusable_password()
    user.save()
    audit.record(
        user=None,
        action=AuditAction.CREATE,
        obj=user,
        changes={
            "username": [None, user.username],
            "role": [None, user.role],
            "organisation": [None, str(user.organisation) if user.organisation else None],
        },
        detail=f"account made at first single sign-on via {provider.name} "
        "(auto-provisioning is on for this provider)",
    )
    link_identity(
        user=user, provider=provider, subject=subject, source=LinkSource.PROVISIONED, by=None
    )
    return user


# --- signing out ----------


def provider_sign_out_url(request) -> str:
    """Where to send the browser after we end our session: the provider's end-session endpoint
    when this session came from a provider that offers one, else "". Read before logout()."""
    signed_in = request.session.get(SIGNED_IN_KEY) if hasattr(request, "session") else None
    if not signed_in:
        return ""
    provider = next((p for p in providers() if p.slug == signed_in.get("provider")), None)
    if provider is None:
        return ""
    back = request.build_absolute_uri(settings.LOGIN_URL)
    return oidc.end_session_url(
        provider, id_token=signed_in.get("id_token", ""), post_logout_redirect_uri=back
    )
