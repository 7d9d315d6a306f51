from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "earlyhelp.targeting"
    label = "targeting"
