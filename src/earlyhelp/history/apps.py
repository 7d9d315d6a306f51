from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "earlyhelp.history"
    verbose_name = "History (Standard Safeguarding Dataset import and export)"
