"""The project's URLs plus a bare sign-in view calling django.contrib.auth.login(), standing in
for any sign-in page (the two-factor flow must work with whichever view signs people in)."""

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path


def sign_in(request):
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(request.GET.get("next") or "/api/episodes/")
    return HttpResponse("sign in", status=400 if form.errors else 200)


def sign_out(request):
    logout(request)
    return redirect("/sign-in/")


urlpatterns = [
    path("sign-in/", sign_in),
    path("sign-out/", sign_out),
    path("", include("earlyhelp.urls")),
]
