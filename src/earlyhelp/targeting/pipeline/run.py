"""One targeting run, start to finish: gather, link, cluster, households, criteria, cohorts.

The heavy work is DuckDB (or Spark for the linkage) over Parquet; the ORM is touched only for
the run's own rows (progress, review queue, cohort) – always in bulk. Progress is written to the
run row as each stage starts so the runs page can show it.
"""

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from earlyhelp.core.dates import months_before

from . import criteria as criteria_engine
from . import households as household_engine
from . import rules
from .linkage import engine, normalise
from .linkage.model import MIN_PROFILES_TO_TRAIN, shipped_model
from .models import (
    ClericalDecision,
    ClericalReview,
    CohortFamily,
    CriteriaSet,
    LinkageModel,
    RunStatus,
    SourceBatch,
    TargetingRun,
)
from .sources import EARLYHELP_PEOPLE, SOURCE_TYPES

logger = logging.getLogger(__name__)

RECORD_COLUMNS = (
    "first_name",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "upn",
    "household_ref",
    "relationship",
)


def data_dir() -> Path:
    configured = getattr(settings, "EARLYHELP_TARGETING_DIR", None)
    path = Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "targeting"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_dir(run: TargetingRun) -> Path:
    return data_dir() / run.output_dir


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(getattr(settings, 'EARLYHELP_TARGETING_THREADS', 2))}")
    limit = getattr(settings, "EARLYHELP_TARGETING_MEMORY", "6GB")
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


class Progress:
    def __init__(self, run: TargetingRun, echo: Callable[[str], None] | None = None):
        self.run = run
        self.echo = echo
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._stage = None
        self._stage_started = self.started

    def __call__(self, stage: str, percent: int):
        now = time.perf_counter()
        if self._stage:
            self.timings[self._stage] = round(now - self._stage_started, 2)
        self._stage, self._stage_started = stage, now
        TargetingRun.objects.filter(pk=self.run.pk).update(stage=stage, progress=percent)
        if self.echo:
            self.echo(f"[{now - self.started:6.1f}s] {percent:3d}% {stage}")

    def finish(self):
        self("Finished", 100)
        self.timings["total"] = round(time.perf_counter() - self.started, 2)


# -- gathering records ---------------------------------------------------------------------


def gather_sources(con: duckdb.DuckDBPyConnection, batches: list[SourceBatch]) -> dict:
    """`src_<type>` tables (latest batch wins for a record id) and the `records` table."""
    base = data_dir()
    by_type: dict[str, list[SourceBatch]] = {}
    for batch in sorted(batches, key=lambda b: b.imported_at):
        by_type.setdefault(batch.source_type, []).append(batch)
    selects = []
    counts = {}
    for code, its_batches in by_type.items():
        source = SOURCE_TYPES[code]
        parts = [
            f"SELECT '{b.pk}' AS batch_id, {order} AS batch_order, * "
            f"FROM read_parquet('{base / b.path}')"
            for order, b in enumerate(its_batches)
        ]
        # A later batch replaces earlier versions of a record (ids are unique within a batch).
        latest = (
            "QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY batch_order DESC) = 1"
            if len(its_batches) > 1
            else ""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE src_{code} AS
            SELECT '{code}:' || record_id AS record_key, * EXCLUDE (batch_order) FROM (
                {" UNION ALL BY NAME ".join(parts)}
            ) {latest}"""
        )
        counts[code] = con.execute(f"SELECT count(*) FROM src_{code}").fetchall()[0][0]
        end = f'"{source.end_column}"' if source.end_column else "NULL"
        selects.append(
            f"""SELECT record_key, '{code}' AS source, batch_id, record_id,
                {", ".join(RECORD_COLUMNS)},
                "{source.date_column}" AS event_start, CAST({end} AS DATE) AS event_end,
                false AS unborn, NULL::VARCHAR AS eh_person_id, NULL::VARCHAR AS eh_family_id,
                false AS eh_known
            FROM src_{code}"""
        )
    schema = (
        "record_key VARCHAR, source VARCHAR, batch_id VARCHAR, record_id VARCHAR, "
        "first_name VARCHAR, surname VARCHAR, date_of_birth DATE, sex VARCHAR, postcode VARCHAR, "
        "address VARCHAR, nhs_number VARCHAR, upn VARCHAR, household_ref VARCHAR, "
        "relationship VARCHAR, event_start DATE, event_end DATE, unborn BOOLEAN, "
        "eh_person_id VARCHAR, eh_family_id VARCHAR, eh_known BOOLEAN"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE records ({schema})")
    for select in selects:
        con.execute(f"INSERT INTO records BY NAME {select}")
    return counts


def earlyhelp_people(reference: dt.date) -> pa.Table:
    """People already in earlyhelp, one record per household membership (or one without)."""
    from earlyhelp.cases.models import Episode
    from earlyhelp.people.models import Membership, Person

    since = months_before(reference, rules.KNOWN_WITHIN_MONTHS)
    known_families = set(
        Episode.objects.filter(start_date__lte=reference)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .values_list("family_id", flat=True)
    )
    memberships: dict = {}
    for row in (
        Membership.objects.filter(start_date__lte=reference)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .values_list(
            "person_id",
            "family_id",
            "role",
            "start_date",
            "end_date",
            "family__postcode",
            "family__address_line_1",
        )
        .iterator(chunk_size=5000)
    ):
        memberships.setdefault(row[0], []).append(row[1:])
    columns: dict[str, list] = {
        name: []
        for name in (
            "record_key",
            "record_id",
            "first_name",
            "surname",
            "date_of_birth",
            "sex",
            "postcode",
            "address",
            "nhs_number",
            "upn",
            "household_ref",
            "relationship",
            "event_start",
            "event_end",
            "unborn",
            "eh_person_id",
            "eh_family_id",
            "eh_known",
        )
    }
    relationship = {"child": "child", "parent_carer": "parent_carer", "other_adult": "other_adult"}
    for person in Person.objects.values_list(
        "id",
        "given_name",
        "family_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "nhs_number",
        "upn",
        "created_at",
    ).iterator(chunk_size=5000):
        pid, given, family_name, dob, expected, sex, nhs, upn, created = person
        for family_id, role, start, end, postcode, line in memberships.get(pid, [(None,) * 6]):
            key = f"{pid}/{family_id}" if family_id else str(pid)
            columns["record_key"].append(f"{EARLYHELP_PEOPLE}:{key}")
            columns["record_id"].append(key)
            columns["first_name"].append(given)
            columns["surname"].append(family_name)
            columns["date_of_birth"].append(dob)
            columns["sex"].append(sex)
            columns["postcode"].append(postcode)
            columns["address"].append(line)
            columns["nhs_number"].append(nhs)
            columns["upn"].append(upn)
            columns["household_ref"].append(str(family_id) if family_id else None)
            columns["relationship"].append(relationship.get(role))
            columns["event_start"].append(start or created.date())
            # A membership with no end is current: it ties the household on the reference
            # date however long ago it began (without this, every family older than the
            # household-reference window fell apart into its members).
            begun = start or created.date()
            columns["event_end"].append(end or (reference if begun <= reference else None))
            columns["unborn"].append(dob is None and expected is not None)
            columns["eh_person_id"].append(str(pid))
            columns["eh_family_id"].append(str(family_id) if family_id else None)
            columns["eh_known"].append(family_id in known_families)
    types = {
        "date_of_birth": pa.date32(),
        "event_start": pa.date32(),
        "event_end": pa.date32(),
        "unborn": pa.bool_(),
        "eh_known": pa.bool_(),
    }
    return pa.table(
        {name: pa.array(values, types.get(name, pa.string())) for name, values in columns.items()}
    )


def add_earlyhelp_people(con: duckdb.DuckDBPyConnection, reference: dt.date) -> int:
    """The people in earlyhelp, and their families' episodes as `early_help` source records
    (one per episode and member), so criteria over early help work without an import."""
    from earlyhelp.cases.models import Episode

    people = earlyhelp_people(reference)
    con.register("earlyhelp_in", people)
    con.execute(
        f"INSERT INTO records BY NAME SELECT *, '{EARLYHELP_PEOPLE}' AS source, "
        "NULL AS batch_id FROM earlyhelp_in"
    )
    rows = list(
        Episode.objects.filter(start_date__lte=reference).values_list(
            "reference", "family_id", "start_date", "end_date", "reason"
        )
    )
    con.register(
        "episodes_in",
        pa.table(
            {
                "episode_ref": pa.array([r[0] for r in rows], pa.string()),
                "family_id": pa.array([str(r[1]) for r in rows], pa.string()),
                "start_date": pa.array([r[2] for r in rows], pa.date32()),
                "end_date": pa.array([r[3] for r in rows], pa.date32()),
                "reason": pa.array([r[4] for r in rows], pa.string()),
            }
        ),
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE episode_records AS
        SELECT 'early_help:' || e.episode_ref || '/' || p.eh_person_id AS record_key,
               e.episode_ref || '/' || p.eh_person_id AS record_id,
               p.* EXCLUDE (record_key, record_id), e.episode_ref, e.start_date, e.end_date,
               e.reason
        FROM earlyhelp_in p JOIN episodes_in e ON e.family_id = p.eh_family_id"""
    )
    tables = criteria_engine.staged_tables(con)
    target = "src_early_help"
    if target in tables:
        con.execute(
            f"INSERT INTO {target} BY NAME SELECT * EXCLUDE (event_start, event_end, "
            "unborn, eh_person_id, eh_family_id, eh_known) FROM episode_records"
        )
    else:
        con.execute(f"CREATE TEMP TABLE {target} AS SELECT * FROM episode_records")
    con.execute(
        "INSERT INTO records BY NAME SELECT * EXCLUDE (episode_ref, start_date, end_date, "
        "reason, event_start, event_end), 'early_help' AS source, NULL AS batch_id, "
        "start_date AS event_start, end_date AS event_end FROM episode_records"
    )
    con.unregister("earlyhelp_in")
    con.unregister("episodes_in")
    return people.num_rows


# -- the model -----------------------------------------------------------------------------


def choose_model(
    con, run: TargetingRun, options: engine.LinkOptions, profiles: int
) -> LinkageModel:
    latest = LinkageModel.objects.order_by("-version").first()
    if latest is not None and not run.retrain:
        return latest
    next_version = (latest.version + 1) if latest else 1
    if profiles < MIN_PROFILES_TO_TRAIN:
        if latest is not None:
            return latest
        settings_json = shipped_model()
        return LinkageModel.objects.create(
            version=next_version,
            settings_json=settings_json,
            description="Shipped model (trained on the synthetic borough)",
            training_notes={"shipped": True},
        )
    settings_json = engine.train(con, options)
    return LinkageModel.objects.create(
        version=next_version,
        settings_json=settings_json,
        description=f"Estimated without labels from {profiles:,} profiles",
        trained_on_profiles=profiles,
        training_notes=options.notes.get("training", {}),
        created_by=run.requested_by,
    )


def decisions_table() -> pa.Table:
    """The latest decision on every pair."""
    latest: dict[tuple[str, str], bool] = {}
    for left, right, accepted in ClericalDecision.objects.order_by("decided_at", "id").values_list(
        "profile_id_l", "profile_id_r", "accepted"
    ):
        latest[(left, right)] = accepted
    return pa.table(
        {
            "profile_id_l": pa.array([k[0] for k in latest], pa.string()),
            "profile_id_r": pa.array([k[1] for k in latest], pa.string()),
            "accepted": pa.array(list(latest.values()), pa.bool_()),
        }
    )


# -- the run -------------------------------------------------------------------------------


def execute(run: TargetingRun, *, echo=None, spark=None) -> TargetingRun:
    """Carry out a queued run. On failure the run is marked failed with the error, and raised."""
    progress = Progress(run, echo)
    TargetingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), error=""
    )
    con = connect()
    try:
        stats = _execute(con, run, progress, spark)
    except Exception as exc:
        logger.exception("Targeting run %s failed", run.pk)
        TargetingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}",
        )
        raise
    finally:
        con.close()
    progress.finish()
    stats["seconds"] = progress.timings
    TargetingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FINISHED, finished_at=timezone.now(), stats=stats
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
        from .spark import get_spark_session

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
    known = _known(con, reference)

    progress("Writing the result files", 88)
    _write_outputs(con, out, criteria_sets)
    progress("Saving the review queue and the cohorts", 94)
    with transaction.atomic():
        stats["clerical_review_queued"] = _queue_reviews(con, run)
        stats["cohort"] = _save_cohorts(con, run, cohorts, known)
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


def _known(con, reference: dt.date) -> dict[str, tuple[bool, bool, list[str]]]:
    """Per household: (known to early help, known to social care, earlyhelp family ids)."""
    since = f"DATE '{months_before(reference, rules.KNOWN_WITHIN_MONTHS)}'"
    ref = f"DATE '{reference}'"
    active = f"event_start <= {ref} AND coalesce(event_end, {ref}) >= {since}"
    rows = con.execute(
        f"""
        SELECT hm.household_key,
            bool_or(r.eh_known OR (r.source = 'early_help' AND {active})) AS early_help,
            bool_or(r.source = 'childrens_social_care' AND {active}) AS social_care,
            list(DISTINCT r.eh_family_id) FILTER (WHERE r.eh_family_id IS NOT NULL) AS families
        FROM records r
        JOIN person_of_record pr USING (record_key)
        JOIN household_members hm USING (person_key)
        WHERE r.source IN ('{EARLYHELP_PEOPLE}', 'early_help', 'childrens_social_care')
        GROUP BY hm.household_key
        """
    ).fetchall()
    return {row[0]: (bool(row[1]), bool(row[2]), row[3] or []) for row in rows}


def _write_outputs(con, out: Path, criteria_sets: list[CriteriaSet]) -> None:
    def copy(sql: str, name: str):
        con.execute(f"COPY ({sql}) TO '{out / name}' (FORMAT parquet, COMPRESSION zstd)")

    copy(
        """SELECT r.record_key, r.source, r.batch_id, r.record_id, r.event_start, r.event_end,
               r.eh_person_id, r.eh_family_id, rp.profile_id, pr.person_key
           FROM records r JOIN lk_record_profile rp USING (record_key)
           JOIN person_of_record pr USING (record_key) ORDER BY pr.person_key""",
        "records.parquet",
    )
    copy(
        "SELECT * EXCLUDE (first_name_groups) FROM lk_profiles ORDER BY profile_id",
        "profiles.parquet",
    )
    copy(
        "SELECT COLUMNS('^(profile_id_[lr]|match_weight|match_probability|gamma_.*|mw_.*|"
        "hold_reason|match_key)$') FROM lk_pairs ORDER BY profile_id_l, profile_id_r",
        "pairs.parquet",
    )
    copy("SELECT * FROM lk_clusters ORDER BY cluster_id", "clusters.parquet")
    copy(
        "SELECT * EXCLUDE (sources), array_to_string(sources, ',') AS sources FROM persons "
        "ORDER BY household_key",
        "persons.parquet",
    )
    parts = [
        f"SELECT '{s.code}' AS criteria_set, * FROM evidence_{s.code.replace('-', '_')}"
        for s in criteria_sets
    ]
    if parts:
        copy(
            f"""SELECT e.criteria_set, e.criterion, e.household_key, e.person_key, e.record_key,
                   r.source, r.record_id, r.batch_id, r.event_start, r.event_end
                FROM ({" UNION ALL ".join(parts)}) e
                LEFT JOIN records r USING (record_key)
                ORDER BY e.criteria_set, e.household_key""",
            "evidence.parquet",
        )
    (out / "tmp").exists() and _remove_tree(out / "tmp")


def _remove_tree(path: Path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _queue_reviews(con, run: TargetingRun) -> int:
    limit = int(getattr(settings, "EARLYHELP_TARGETING_REVIEW_LIMIT", 5000))
    rows = con.execute(
        f"""
        SELECT least(p.profile_id_l, p.profile_id_r), greatest(p.profile_id_l, p.profile_id_r),
               p.match_probability, p.match_weight, coalesce(p.hold_reason, '')
        FROM lk_pairs p
        JOIN lk_edges e ON e.profile_id_l = least(p.profile_id_l, p.profile_id_r)
                       AND e.profile_id_r = greatest(p.profile_id_l, p.profile_id_r)
        WHERE NOT e.decided
          AND (p.match_probability < {run.match_threshold} OR p.hold_reason IS NOT NULL)
        ORDER BY p.hold_reason IS NULL, p.match_probability DESC
        LIMIT {limit}
        """
    ).fetchall()
    ClericalReview.objects.bulk_create(
        [
            ClericalReview(
                run=run,
                profile_id_l=left,
                profile_id_r=right,
                match_probability=probability,
                match_weight=weight,
                hold_reason=reason,
            )
            for left, right, probability, weight, reason in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def _save_cohorts(con, run: TargetingRun, cohorts: dict, known: dict) -> dict:
    facts = {
        row[0]: row[1:]
        for row in con.execute(
            """SELECT household_key, count(*), count(*) FILTER (WHERE member_kind = 'child'),
                   any_value(regexp_extract(p.postcode, '^[A-Z]{1,2}[0-9][A-Z0-9]?', 0))
                       FILTER (WHERE p.postcode IS NOT NULL)
               FROM household_members hm JOIN persons p USING (person_key, household_key)
               GROUP BY household_key"""
        ).fetchall()
    }
    summary = {}
    fields = (
        "run",
        "criteria_set",
        "household_key",
        "postcode_district",
        "members",
        "children",
        "criteria_met",
        "criteria_count",
        "eligible",
        "known_to_early_help",
        "known_to_social_care",
        "earlyhelp_family_ids",
    )
    rows = []
    for criteria_set, families in cohorts.items():
        eligible = 0
        for family in families:
            members, children, district = facts.get(family["household_key"], (0, 0, ""))
            early_help, social_care, family_ids = known.get(
                family["household_key"], (False, False, [])
            )
            eligible += family["eligible"]
            rows.append(
                (
                    run.pk,
                    criteria_set.pk,
                    family["household_key"],
                    district or "",
                    min(members, 32767),
                    min(children, 32767),
                    family["criteria_met"],
                    len(family["criteria_met"]),
                    family["eligible"],
                    early_help,
                    social_care,
                    family_ids,
                )
            )
        summary[criteria_set.code] = {"meeting_any": len(families), "eligible": eligible}
    _insert(CohortFamily, fields, rows)
    return summary


def _insert(model, fields: tuple[str, ...], rows: list[tuple], chunk: int = 5000) -> None:
    """Insert many rows of a run's own output at once (hundreds of thousands of cohort rows:
    building a model instance for each, as bulk_create does, costs most of the time). Values
    are prepared by each field, so UUIDs and JSON are stored as the ORM stores them."""
    from django.db import connection

    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    # Only foreign keys and JSON need converting for the database; the rest go as they are.
    convert = [
        (i, field)
        for i, field in enumerate(columns)
        if field.is_relation or field.get_internal_type() == "JSONField"
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            batch = []
            for row in rows[start : start + chunk]:
                row = list(row)
                for i, field in convert:
                    row[i] = field.get_db_prep_value(row[i], connection)
                batch.append(row)
            cursor.executemany(sql, batch)
