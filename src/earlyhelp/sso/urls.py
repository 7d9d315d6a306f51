from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("<slug:slug>/start/", views.start, name="start"),
    path("<slug:slug>/callback/", views.callback, name="callback"),
]

# The sign-in and sign-out pages, at the site's root and named in the "web" namespace
# (earlyhelp/urls.py); LOGIN_URL and the layout's sign-out button point at them.
sign_in_pages = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
