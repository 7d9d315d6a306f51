from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "earlyhelp.sso"
    label = "sso"
    verbose_name = "Single sign-on"
