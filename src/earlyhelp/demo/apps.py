from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "earlyhelp.demo"
    label = "demo"
