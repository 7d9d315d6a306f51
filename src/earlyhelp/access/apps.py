from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "earlyhelp.access"
    label = "access"
    verbose_name = "Access policy"
