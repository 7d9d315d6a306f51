from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: health, the scheduler, heartbeats, backups, logs and outages."""

    name = "earlyhelp.operations"
    label = "operations"

    def ready(self):
        from django.core.signals import got_request_exception

        from .outage import mark_database_unavailable

        got_request_exception.connect(mark_database_unavailable, dispatch_uid="eh-db-outage")
