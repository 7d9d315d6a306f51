from django.apps import AppConfig
from django.db.backends.signals import connection_created


class InsightsConfig(AppConfig):
    name = "earlyhelp.insights"
    label = "insights"
    verbose_name = "Performance intelligence"

    def ready(self):
        from . import computations  # noqa: F401 - fills the indicator registry
        from .dbfuncs import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="insights_sqlite_funcs")
