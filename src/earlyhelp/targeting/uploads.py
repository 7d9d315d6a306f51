"""Agency files uploaded on the upload page: received, then checked and imported in the
background by services.import_batch – the same checks, report and all-or-nothing rule as the
command line – with the upload's progress written to its row as each stage starts."""

import uuid
from pathlib import Path

from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import services as core_services

from . import imports
from .journey import UPLOAD
from .models import AgencyUpload, UploadStatus
from .pipeline.workspace import data_dir
from .sources import get_source_type

SUFFIXES = (".csv", ".xlsx")
MAX_BYTES = 512 * 1024 * 1024

# The import's own messages, by how they start, and how far along each is.
STAGES = (
    ("reading", "Reading the file", 10),
    ("read ", "Checking every row", 40),
    ("checked", "Every row checked: no problems", 70),
    ("staging", "Saving the batch", 85),
)


@transaction.atomic
def upload_receive(*, acting_user, source_type: str, uploaded, enqueue: bool = True):
    """Keep an uploaded file and queue its check and import."""
    policy.require(acting_user, policy.Action.IMPORT_AGENCY_FILES)
    get_source_type(source_type)
    upload_id = uuid.uuid4()
    suffix = Path(uploaded.name).suffix.lower()
    relative = Path("uploads") / f"{upload_id}{suffix}"
    target = data_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    upload = core_services.create(
        AgencyUpload(
            id=upload_id,
            source_type=source_type,
            file_name=Path(uploaded.name).name[:255],
            uploaded_by=acting_user,
            staged_path=str(relative),
        ),
        acting_user=acting_user,
    )
    if enqueue:
        from .tasks import import_upload

        transaction.on_commit(lambda: import_upload.enqueue(str(upload.pk)))
    return upload


def _say(upload: AgencyUpload):
    def progress(message: str) -> None:
        for start, stage, percent in STAGES:
            if message.startswith(start):
                AgencyUpload.objects.filter(pk=upload.pk).update(stage=stage, progress=percent)
                return

    return progress


def upload_import(upload: AgencyUpload) -> AgencyUpload:
    """Check and import an upload's file (the worker calls this). Its outcome is written to the
    upload: the batch, or every problem found (nothing imported). The file is then removed."""
    from . import services

    # Claimed with a compare-and-set, so two workers never check the same file.
    claimed = AgencyUpload.objects.filter(pk=upload.pk, status=UploadStatus.QUEUED).update(
        status=UPLOAD.require("check", UploadStatus.QUEUED), stage="Starting", progress=5
    )
    if not claimed:
        return AgencyUpload.objects.get(pk=upload.pk)
    upload.refresh_from_db()
    path = data_dir() / upload.staged_path
    outcome: dict = {"staged_path": "", "progress": 100}
    try:
        batch = services.import_batch(
            source_type=upload.source_type,
            path=path,
            acting_user=upload.uploaded_by,
            file_name=upload.file_name,
            progress=_say(upload),
        )
    except imports.ImportRefused as refused:
        outcome |= {
            "status": UPLOAD.require("refuse", UploadStatus.CHECKING),
            "stage": "Not imported",
            "message": str(refused),
            "problems": [[e.row, e.column, e.reason] for e in refused.errors],
        }
    except Exception as exc:  # the file is kept out; the page says so rather than hanging
        outcome |= {
            "status": UPLOAD.require("fail", UploadStatus.CHECKING),
            "stage": "Failed",
            "message": f"The import stopped with an error: {exc}. Nothing was written.",
        }
    else:
        outcome |= {"status": UPLOAD.require("import", UploadStatus.CHECKING), "stage": "Imported",
                    "batch": batch}
    finally:
        path.unlink(missing_ok=True)
    AgencyUpload.objects.filter(pk=upload.pk).update(**outcome)
    upload.refresh_from_db()
    return upload
