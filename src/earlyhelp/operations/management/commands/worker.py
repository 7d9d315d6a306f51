"""`earlyhelp worker`: the task worker (all queues by default), with a heartbeat for /healthz."""

from django_tasks_db.management.commands import db_worker

from earlyhelp.operations.worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run the background task worker (django-tasks-db), writing a heartbeat."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args, **options):
        db_worker.Worker = ResilientWorker  # the parent's handle() builds a Worker
        return super().handle(*args, **options)
