"""Every write of the targeting app: imports, runs, clerical decisions. Each is audited."""

import datetime as dt
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
from django.db import IntegrityError, transaction
from django.utils import timezone

from earlyhelp.core import audit, dates
from earlyhelp.core import services as core_services
from earlyhelp.core.dates import long_date
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditAction

from . import imports
from .journey import CLERICAL_REVIEW
from .models import (
    Backend,
    ClericalDecision,
    ClericalReview,
    CriteriaSet,
    ReviewStatus,
    RunStatus,
    SourceBatch,
    TargetingRun,
)
from .pipeline.workspace import data_dir
from .sources import get_source_type


def import_batch(
    *,
    source_type: str,
    path: Path,
    acting_user=None,
    file_name: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> SourceBatch:
    """Check a whole file against its source schema and stage it as a dated batch.

    Refuses (ImportRefused, nothing written) a file already imported, or any file with a bad
    row – listing every bad row, its column and the reason.
    """
    source = get_source_type(source_type)
    path = Path(path)
    file_name = file_name or path.name
    checksum = imports.sha256_of(path)
    earlier = SourceBatch.objects.filter(sha256=checksum).select_related("imported_by").first()
    if earlier is not None:
        raise imports.ImportRefused(_already_imported(earlier))
    checked = imports.check_file(path, source, progress=progress)
    if not checked.ok:
        bad_rows = len({e.row for e in checked.errors})
        raise imports.ImportRefused(
            f"{file_name} was not imported: {len(checked.errors):,} problem(s) in "
            f"{bad_rows:,} row(s). Nothing was written. Correct the file and import it again.",
            checked.errors,
        )
    batch_id = uuid.uuid4()
    relative = Path("batches") / source.code / f"{batch_id}.parquet"
    target = data_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_orphans()
    # The file is written under a name that says which process owns it; it takes its real name
    # only once the row pointing to it is committed. A killed import leaves a `.partial` whose
    # owner is gone, which the sweep removes (no row) or completes (row committed).
    partial = partial_path(target)
    if progress:
        progress(f"staging {checked.rows:,} rows")
    try:
        pq.write_table(checked.table, partial, compression="zstd")
        _reached("written")
        with transaction.atomic():
            batch = core_services.create(
                SourceBatch(
                    id=batch_id,
                    source_type=source.code,
                    file_name=file_name[:255],
                    sha256=checksum,
                    size_bytes=path.stat().st_size,
                    rows=checked.rows,
                    imported_by=acting_user,
                    imported_at=timezone.now(),
                    period_start=checked.period[0],
                    period_end=checked.period[1],
                    path=str(relative),
                ),
                acting_user=acting_user,
            )
            _reached("recorded")
        _reached("committed")
        os.replace(partial, target)
    except IntegrityError as exc:  # the same file, imported at the same moment elsewhere
        partial.unlink(missing_ok=True)
        raise imports.ImportRefused(f"{file_name} has just been imported by someone else") from exc
    except BaseException:
        if not SourceBatch.objects.filter(pk=batch_id).exists():
            partial.unlink(missing_ok=True)
        raise
    return batch


def _reached(stage: str) -> None:
    """A named point in an import (the kill test stops the process at each)."""


PARTIAL = ".partial"


def partial_path(target: Path) -> Path:
    return target.with_name(f"{target.stem}.{os.getpid()}{PARTIAL}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphans(*, grace_seconds: float = 3600) -> dict:
    """Remove staged files that no batch points to; finish moves a killed import left undone.

    - `<id>.<pid>.partial` whose process is gone: moved to its real name if the batch row was
      committed, deleted otherwise. A live process's partial file is its import in progress.
    - `<id>.parquet` with no batch row, older than the grace period (an import renames only
      after its row is committed, so such a file was put there by hand or by an older version).
    Returns counts of what was removed and completed.
    """
    import time

    root = data_dir() / "batches"
    removed = completed = 0
    if not root.is_dir():
        return {"removed": 0, "completed": 0}
    known = {str(p) for p in SourceBatch.objects.values_list("path", flat=True)}
    now = time.time()
    for path in sorted(root.glob("*/*")):
        if not path.is_file():
            continue
        relative = path.relative_to(data_dir())
        if path.name.endswith(PARTIAL):
            stem, _, pid = path.name[: -len(PARTIAL)].rpartition(".")
            if pid.isdigit() and _alive(int(pid)):
                continue
            final = relative.with_name(f"{stem}.parquet")
            if str(final) in known:
                os.replace(path, data_dir() / final)
                completed += 1
            else:
                path.unlink(missing_ok=True)
                removed += 1
        elif str(relative) not in known and now - path.stat().st_mtime >= grace_seconds:
            path.unlink(missing_ok=True)
            removed += 1
    return {"removed": removed, "completed": completed}


def _already_imported(batch: SourceBatch) -> str:
    who = batch.imported_by.display_name if batch.imported_by else "a command-line import"
    day = long_date(timezone.localtime(batch.imported_at).date())
    return (
        f"This file was already imported on {day} "
        f"by {who} as a {batch.get_source_type_display()} batch ({batch.file_name}, "
        f"{batch.rows:,} rows). Nothing was written."
    )


@transaction.atomic
def batch_withdraw(*, batch: SourceBatch, acting_user, reason: str) -> SourceBatch:
    """Leave a batch out of later runs. The file and its provenance are kept."""
    if not batch.is_active:
        raise IllegalMove("This batch is already withdrawn.")
    before = audit.snapshot(batch, ["is_active"])
    batch.is_active = False
    return core_services.update(batch, acting_user=acting_user, before=before, reason=reason)


@transaction.atomic
def run_start(
    *,
    acting_user,
    reference_date: dt.date | None = None,
    backend: str = Backend.DUCKDB,
    retrain: bool = False,
    criteria_sets: list[CriteriaSet] | None = None,
    match_threshold: float = 0.95,
    review_floor: float = 0.5,
    enqueue: bool = True,
) -> TargetingRun:
    """Queue a run. With enqueue, the worker carries it out (tasks.run_targeting)."""
    if TargetingRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise IllegalMove("A targeting run is already queued or running. Wait for it to finish.")
    run = core_services.create(
        TargetingRun(
            requested_by=acting_user,
            reference_date=reference_date or dates.today(),
            backend=backend,
            retrain=retrain,
            match_threshold=match_threshold,
            review_floor=review_floor,
        ),
        acting_user=acting_user,
    )
    if criteria_sets:
        run.criteria_sets.set(criteria_sets)
    if enqueue:
        from .tasks import run_targeting

        transaction.on_commit(lambda: run_targeting.enqueue(str(run.pk)))
    return run


@transaction.atomic
def clerical_decide(
    *, review: ClericalReview, accepted: bool, acting_user, reason: str = ""
) -> ClericalDecision:
    """Record whether a queued pair is the same person. Kept; wins over the model next run."""
    review = ClericalReview.objects.select_for_update().get(pk=review.pk)
    decided = CLERICAL_REVIEW.require("accept" if accepted else "reject", review)
    decision = core_services.create(
        ClericalDecision(
            profile_id_l=review.profile_id_l,
            profile_id_r=review.profile_id_r,
            accepted=accepted,
            reason=reason.strip(),
            decided_by=acting_user,
            decided_at=timezone.now(),
            run=review.run,
        ),
        acting_user=acting_user,
        reason=reason.strip(),
    )
    # Every queued copy of the pair (in this and earlier runs) carries the decision.
    ClericalReview.objects.filter(
        profile_id_l=review.profile_id_l,
        profile_id_r=review.profile_id_r,
        status=ReviewStatus.PENDING,
    ).update(status=decided, decision=decision)
    return decision


def record_access(*, acting_user, action: str, obj=None, object_type="", object_id="", detail=""):
    """An audit row for a view or download of targeting data (names, records, cohorts)."""
    return audit.record(
        user=acting_user,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


VIEW, EXPORT = AuditAction.VIEW, AuditAction.EXPORT
