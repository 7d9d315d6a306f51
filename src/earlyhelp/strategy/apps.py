from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "earlyhelp.strategy"
    label = "strategy"
