"""One targeting run, start to finish: gather, link, cluster, households, criteria, cohorts.

The heavy work is DuckDB (or Spark for the linkage) over Parquet; the ORM is touched only for
the run's own rows (progress, review queue, cohort) – always in bulk. Progress is written to the
run row as each stage starts so the runs page can show it.
"""

import logging
import traceback

from django.db import transaction
from django.utils import timezone

from .. import criteria as criteria_engine
from .. import households as household_engine
from ..journey import RUN
from ..linkage import engine, normalise
from ..models import CriteriaSet, SourceBatch, TargetingRun
from .gather import add_earlyhelp_people, gather_sources
from .linkage_model import choose_model, decisions_table
from .outputs import write_outputs
from .progress import Progress
from .store import known_households, queue_reviews, save_cohorts
from .workspace import connect, data_dir

logger = logging.getLogger(__name__)

def execute(run: TargetingRun, *, echo=None, spark=None) -> TargetingRun:
    """Carry out a queued run. On failure the run is marked failed with the error, and raised."""
    progress = Progress(run, echo)
    running = RUN.require("start", run)
    TargetingRun.objects.filter(pk=run.pk).update(
        status=running, started_at=timezone.now(), error=""
    )
    con = connect()
    try:
        stats = _execute(con, run, progress, spark)
    except Exception as exc:
        logger.exception("Targeting run %s failed", run.pk)
        TargetingRun.objects.filter(pk=run.pk).update(
            status=RUN.require("fail", running),
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}",
        )
        raise
    finally:
        con.close()
    progress.finish()
    stats["seconds"] = progress.timings
    TargetingRun.objects.filter(pk=run.pk).update(
        status=RUN.require("finish", running), finished_at=timezone.now(), stats=stats
    )
    run.refresh_from_db()
    return run


def _execute(con, run: TargetingRun, progress: Progress, spark) -> dict:
    reference = run.reference_date
    out = data_dir() / "runs" / str(run.pk)
    out.mkdir(parents=True, exist_ok=True)
    TargetingRun.objects.filter(pk=run.pk).update(output_dir=str(out.relative_to(data_dir())))
    run.output_dir = str(out.relative_to(data_dir()))

    progress("Reading the staged source files", 2)
    batches = list(SourceBatch.objects.filter(is_active=True))
    run.batches.set(batches)
    stats: dict = {"sources": gather_sources(con, batches)}
    progress("Adding the people already in earlyhelp", 8)
    stats["earlyhelp_records"] = add_earlyhelp_people(con, reference)

    progress("Cleaning names, dates and addresses", 12)
    stats.update(normalise.build_profiles(con, "records"))
    if stats["profiles"] == 0:
        raise ValueError("There are no records to link: import some source files first")

    options = engine.LinkOptions(
        match_threshold=run.match_threshold,
        review_floor=run.review_floor,
        backend=run.backend,
        spark=spark,
        work_dir=out / "tmp",
    )
    if run.backend == "spark" and spark is None:
        from ..spark import get_spark_session

        options.spark = get_spark_session()
    progress("Choosing the linkage model (estimating a new one if asked)", 20)
    model = choose_model(con, run, options, stats["profiles"])
    TargetingRun.objects.filter(pk=run.pk).update(model=model)
    run.model = model

    progress("Scoring pairs of records and clustering them into people", 40)
    stats.update(engine.link(con, model.settings_json, options, decisions_table()))
    con.execute(
        """CREATE OR REPLACE TEMP TABLE person_of_record AS
        SELECT rp.record_key, rp.source, rp.profile_id, c.cluster_id AS person_key
        FROM lk_record_profile rp JOIN lk_clusters c USING (profile_id)"""
    )
    stats["people"] = con.execute(
        "SELECT count(DISTINCT person_key) FROM person_of_record"
    ).fetchall()[0][0]

    progress("Grouping people into households", 70)
    stats.update(household_engine.build(con, reference))

    progress("Applying the criteria", 80)
    criteria_sets = list(
        CriteriaSet.objects.filter(is_active=True).prefetch_related("criteria")
        if not run.criteria_sets.exists()
        else run.criteria_sets.prefetch_related("criteria")
    )
    run.criteria_sets.set(criteria_sets)
    cohorts = {}
    for criteria_set in criteria_sets:
        cohorts[criteria_set] = criteria_engine.evaluate(con, as_dict(criteria_set), reference)
    known = known_households(con, reference)

    progress("Writing the result files", 88)
    write_outputs(con, out, criteria_sets)
    progress("Saving the review queue and the cohorts", 94)
    with transaction.atomic():
        stats["clerical_review_queued"] = queue_reviews(con, run)
        stats["cohort"] = save_cohorts(con, run, cohorts, known)
    return stats


def as_dict(criteria_set: CriteriaSet) -> dict:
    return {
        "code": criteria_set.code,
        "eligibility": criteria_set.eligibility,
        "family_condition": criteria_set.family_condition,
        "criteria": [
            {"code": c.code, "group": c.group, "rule": c.rule} for c in criteria_set.criteria.all()
        ],
    }


