"""The journeys of a targeting run and of a pair in the clerical review queue."""

from earlyhelp.core.workflow import Machine, Move

from .models import ClericalReview, ReviewStatus, RunStatus, TargetingRun

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
