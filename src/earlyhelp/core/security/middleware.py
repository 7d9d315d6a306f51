"""Middleware: session limits, the two-factor gate and auditing of refusals."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.functional import LazyObject, empty

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from . import sessions, two_factor

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _two_factor_exempt(path: str) -> bool:
    return path.startswith(tuple(settings.EARLYHELP_TWO_FACTOR_EXEMPT_PREFIXES))


def second_factor_url(user, next_url: str) -> str | None:
    """Where the two-factor gate would send `user` on the way to next_url, or None if it would
    let them through. Sign-in redirects there at once, saving the browser a hop through the gate."""
    if not settings.EARLYHELP_REQUIRE_TWO_FACTOR or _two_factor_exempt(urlsplit(next_url).path):
        return None
    if user is None or not user.is_authenticated:
        return None
    # django-otp's middleware gives the user is_verified; straight after login() (a provider's
    # MFA, django_otp.login) only otp_device is set.
    is_verified = getattr(user, "is_verified", None)
    if is_verified() if is_verified else getattr(user, "otp_device", None) is not None:
        return None
    from django.urls import reverse

    target = "security:verify" if two_factor.has_authenticator(user) else "security:setup"
    return f"{reverse(target)}?{urlencode({'next': next_url})}"


class ResolvedUserMiddleware:
    """Put the signed-in user on the request itself, not behind the lazy wrappers the
    authentication and django-otp middleware leave (one inside the other). Every page reads
    the user a few hundred times – role, team, permissions – and each read through the two
    wrappers costs two raised AttributeErrors; every request here reads the user anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        if user is not None:
            request.user = user
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Sign a session out after 30 minutes without a request, or 12 hours after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = sessions.expired(request.session)
            if reason:
                request._eh_session_expired = reason
                logout(request)
                if not _is_api(request):
                    messages.info(
                        request,
                        "You were signed out after 30 minutes without activity."
                        if reason == "idle"
                        else "You were signed out: sessions last at most 12 hours.",
                    )
                    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.path})}")
                return JsonResponse(
                    {"detail": "Your session has expired. Sign in again.", "code": "expired"},
                    status=401,
                )
            sessions.touch(request.session)
        return self.get_response(request)


class TwoFactorMiddleware:
    """A signed-in user who has not verified a second factor in this session reaches only the
    two-factor pages (and sign-out). Pages redirect there; the API answers 403 in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _two_factor_exempt(request.path_info):
            target = second_factor_url(getattr(request, "user", None), request.get_full_path())
            if target:
                return self._refuse(request, target)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, target: str):
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": "Two-factor verification required: sign in on the web and enter "
                    "the code from your authenticator app.",
                    "code": "two_factor_required",
                },
                status=403,
            )
        return redirect(target)


class RefusalAuditMiddleware:
    """A signed-in user refused a page or endpoint (403) or sent to a 404 – an out-of-scope or
    guessed id – leaves an audit row saying what they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and not request.path_info.startswith(
            tuple(settings.EARLYHELP_AUDIT_REFUSAL_SKIP_PREFIXES)
        ):
            # DRF copies the user it authenticated onto the Django request.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                audit.record(
                    user=user,
                    action=AuditAction.REFUSED,
                    detail=f"{response.status_code} {request.method} {request.get_full_path()}"[
                        :300
                    ],
                    ip_address=sessions.client_ip(request),
                )
        return response
