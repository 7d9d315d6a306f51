"""Middleware: session limits, the two-factor gate and auditing of refusals."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from . import sessions, two_factor

API_PREFIX = "/api/"


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


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
        if settings.EARLYHELP_REQUIRE_TWO_FACTOR and not self._exempt(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                is_verified = getattr(user, "is_verified", None)  # set by django-otp
                if not (is_verified and is_verified()):
                    return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        path = request.path_info
        return path.startswith(tuple(settings.EARLYHELP_TWO_FACTOR_EXEMPT_PREFIXES))

    @staticmethod
    def _refuse(request, user):
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": "Two-factor verification required: sign in on the web and enter "
                    "the code from your authenticator app.",
                    "code": "two_factor_required",
                },
                status=403,
            )
        target = "security:verify" if two_factor.has_authenticator(user) else "security:setup"
        from django.urls import reverse

        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


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
