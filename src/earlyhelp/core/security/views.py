"""Two-factor pages: set up an authenticator app, verify a code at sign-in, recovery codes."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from . import sessions, two_factor
from .forms import CodeForm

CODES_SESSION_KEY = "_eh_new_recovery_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _to(name: str, next_url: str = ""):
    url = reverse(f"security:{name}")
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _is_verified(request) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def _audit(request, action, detail):
    audit.record(
        user=request.user,
        action=action,
        object_type="core.user",
        object_id=str(request.user.pk),
        detail=detail,
        ip_address=sessions.client_ip(request),
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def setup(request):
    """Set up an authenticator app (first sign-in), or see your two-factor settings."""
    has_app = two_factor.has_authenticator(request.user)
    if has_app and not _is_verified(request):
        return _to("verify", _next(request))
    if has_app and request.method == "GET" and not request.GET.get("replace"):
        return render(
            request,
            "security/two_factor_manage.html",
            {
                "page_title": "Two-factor sign-in",
                "codes_left": two_factor.recovery_codes_left(request.user),
                "next": _next(request),
            },
        )
    device = two_factor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None, digits_only=True)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes is not None:
            _audit(request, AuditAction.CHANGE, "two-factor authenticator set up")
            request.session[CODES_SESSION_KEY] = codes
            return _to("recovery_codes", _next(request))
        form.add_error("code", "The code is not correct: enter the code your app shows now")
    return render(
        request,
        "security/two_factor_setup.html",
        {
            "page_title": "Set up two-factor sign-in",
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_humans(device),
            "next": _next(request),
            "replacing": has_app,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
@sensitive_variables("form")
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if not two_factor.has_authenticator(request.user):
        return _to("setup", _next(request))
    if _is_verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request, form.cleaned_data["code"])
        if device is not None:
            if device.name == two_factor.RECOVERY_NAME:
                left = two_factor.recovery_codes_left(request.user)
                _audit(request, AuditAction.SIGN_IN, f"recovery code used; {left} left")
            else:
                _audit(request, AuditAction.SIGN_IN, "two-factor code accepted")
            return redirect(_next(request))
        _audit(request, AuditAction.SIGN_IN_FAILED, "wrong two-factor code")
        form.add_error(
            "code",
            "The code is not correct. Enter the code your app shows now, or a recovery code "
            "(after several wrong codes you must wait a little longer before each try)",
        )
    return render(
        request,
        "security/two_factor_verify.html",
        {
            "page_title": "Enter your two-factor code",
            "form": form,
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def recovery_codes(request):
    """New recovery codes are shown once, straight after they are made."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if codes is None and not _is_verified(request):
        return _to("verify", request.path)
    return render(
        request,
        "security/recovery_codes.html",
        {
            "page_title": "Your recovery codes",
            "codes": codes,
            "codes_left": two_factor.recovery_codes_left(request.user),
            "next": _next(request),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes_new(request):
    if not _is_verified(request):
        return _to("verify")
    request.session[CODES_SESSION_KEY] = two_factor.new_recovery_codes(request.user)
    _audit(request, AuditAction.CHANGE, "new recovery codes made; earlier codes cancelled")
    return _to("recovery_codes")
