from django.apps import AppConfig
from django.db.backends.signals import connection_created


class InsightsConfig(AppConfig):
    name = "earlyhelp.insights"
    label = "insights"
    verbose_name = "Performance intelligence"

    def ready(self):
        # Each indicator module registers its computations when imported.
        from .computations import (  # noqa: F401
            caseload,
            family,
            initiation,
            needs,
            outcomes,
            timeliness,
        )
        from .dbfuncs import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="insights_sqlite_funcs")
        from . import receivers

        receivers.connect()
