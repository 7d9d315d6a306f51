from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "earlyhelp.results"
    verbose_name = "Results for families"
