"""Gather the records a run links: the staged source files and the people already in earlyhelp."""

import datetime as dt

import duckdb
import pyarrow as pa
from django.db.models import Q

from earlyhelp.core.dates import months_before

from .. import criteria as criteria_engine
from .. import rules
from ..models import SourceBatch
from ..schema import RECORD_COLUMNS, sql_columns
from ..sources import EARLYHELP_PEOPLE, SOURCE_TYPES
from .workspace import data_dir


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
        f"{sql_columns(RECORD_COLUMNS)}, event_start DATE, event_end DATE, unborn BOOLEAN, "
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
            *RECORD_COLUMNS,
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


