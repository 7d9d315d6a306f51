from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "earlyhelp.cases"
    label = "cases"
