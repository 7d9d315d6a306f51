"""Background work: an uploaded extract's check and import, with progress on its run."""

from django_tasks import task


@task()
def import_history(run_id: str) -> dict:
    from .services import import_run

    run = import_run(run_id)
    return {"status": run.status, "problems": len(run.problems)}
