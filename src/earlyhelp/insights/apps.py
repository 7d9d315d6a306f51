from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "earlyhelp.insights"
    label = "insights"
