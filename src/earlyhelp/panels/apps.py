from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "earlyhelp.panels"
    label = "panels"
