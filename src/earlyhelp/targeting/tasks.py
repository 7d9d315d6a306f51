"""Background work: a targeting run, carried out by the task worker with progress on the run."""

from django_tasks import task

from .journey import RUN
from .models import TargetingRun


@task()
def run_targeting(run_id: str) -> dict:
    from .pipeline import run as pipeline_run

    run = TargetingRun.objects.get(pk=run_id)
    if not RUN.allows("start", run):
        return {"skipped": f"run is {run.status}"}
    run = pipeline_run.execute(run)
    return run.stats


@task()
def import_upload(upload_id: str) -> dict:
    from .models import AgencyUpload
    from .uploads import upload_import

    upload = upload_import(AgencyUpload.objects.get(pk=upload_id))
    return {"status": upload.status, "problems": len(upload.problems)}
