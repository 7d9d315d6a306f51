"""Signing in and out: the sign-in page (a local account, or a button per provider), sign-out
(ending the provider's session too), and sign-in with a provider: send the browser there, take it
back, or say why not."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from earlyhelp.core.security.middleware import second_factor_url
from earlyhelp.web.views.base import page

from . import oidc, services
from .forms import SignInForm

TEMPLATES = {
    "not_set_up": ("sso/not_set_up.html", "Your account is not set up"),
    "disabled": ("sso/disabled.html", "Your account is switched off"),
    "failed": ("sso/failed.html", "Sorry, you could not be signed in"),
}


def _refusal_page(request, provider, kind: str, status: int):
    template, title = TEMPLATES[kind]
    return render(
        request,
        template,
        {"page_title": title, "provider": provider},
        status=status,
    )


@never_cache
@require_GET
def start(request, slug):
    """The "Sign in with …" button: off to the provider, with state, nonce and PKCE."""
    provider = services.provider_or_404(slug)
    next_url = services.safe_next(request, request.GET.get("next", ""))
    if request.user.is_authenticated:
        return redirect(next_url)
    try:
        url = services.begin(request, provider=provider, next_url=next_url)
    except oidc.OidcError as error:
        services.failure(error.reason).record(request, provider)
        return _refusal_page(request, provider, "failed", 502)
    return redirect(url)


@never_cache
@require_GET
def callback(request, slug):
    """The provider sends the browser back here with a code (or an error)."""
    provider = services.provider_or_404(slug)
    try:
        signed_in = services.complete(request, provider=provider, params=request.GET)
    except services.Refused as refusal:
        return _refusal_page(request, provider, refusal.kind, refusal.status)
    # Without the provider's MFA our own code comes first: straight there, not via the gate.
    return redirect(second_factor_url(request.user, signed_in.next_url) or signed_in.next_url)


@sensitive_post_parameters("password")
def sign_in(request):
    next_url = services.safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        # Straight to the second factor (issue 14: one redirect fewer than via the gate).
        return redirect(second_factor_url(request.user, next_url) or next_url)
    return page(
        request,
        "sso/sign_in.html",
        {"form": form, "next": next_url, "page_title": "Sign in"},
    )


@require_POST
def sign_out(request):
    at_provider = services.provider_sign_out_url(request)  # read before logout ends the session
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect(at_provider or "web:sign_in")
