from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "earlyhelp.web"
    label = "web"
