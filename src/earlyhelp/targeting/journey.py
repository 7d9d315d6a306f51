"""The journeys of a targeting run, of a pair in the clerical review queue, and of an agency file
uploaded on a page."""

from earlyhelp.core.workflow import Machine, Move

from .models import (
    AgencyUpload,
    ClericalReview,
    ReviewStatus,
    RunStatus,
    TargetingRun,
    UploadStatus,
)

RUN = Machine("targeting run", TargetingRun, (
    Move("start", (RunStatus.QUEUED,), RunStatus.RUNNING, "Only a queued run can be started."),
    Move("finish", (RunStatus.RUNNING,), RunStatus.FINISHED, "Only a running run can finish."),
    Move("fail", (RunStatus.RUNNING,), RunStatus.FAILED, "Only a running run can fail."),
))

DECIDED = "This pair has already been decided. Its decision is kept."

CLERICAL_REVIEW = Machine("clerical review", ClericalReview, (
    Move("accept", (ReviewStatus.PENDING,), ReviewStatus.ACCEPTED, DECIDED),
    Move("reject", (ReviewStatus.PENDING,), ReviewStatus.REJECTED, DECIDED),
))

UPLOAD = Machine("agency file upload", AgencyUpload, (
    Move("check", (UploadStatus.QUEUED,), UploadStatus.CHECKING,
         "Only a file waiting to be checked can be checked."),
    Move("import", (UploadStatus.CHECKING,), UploadStatus.IMPORTED,
         "Only a file being checked can be imported."),
    Move("refuse", (UploadStatus.CHECKING,), UploadStatus.REFUSED,
         "Only a file being checked can be refused."),
    Move("fail", (UploadStatus.CHECKING,), UploadStatus.FAILED,
         "Only a file being checked can fail."),
))
