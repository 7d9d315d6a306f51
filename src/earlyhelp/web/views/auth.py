"""Sign in and sign out. Kept simple: issue 4 adds two-factor sign-in and lockout here."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from earlyhelp.sso.services import provider_sign_out_url

from ..forms.auth import SignInForm
from .base import page


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@sensitive_post_parameters("password")
def sign_in(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(_next_url(request))
    return page(
        request,
        "web/auth/sign_in.html",
        {"form": form, "next": _next_url(request), "page_title": "Sign in"},
    )


@require_POST
def sign_out(request):
    at_provider = provider_sign_out_url(request)  # single sign-on: end the provider's session too
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect(at_provider or "web:sign_in")
