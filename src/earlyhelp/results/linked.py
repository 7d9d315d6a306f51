"""The linked agency records of a finished targeting run, as the tables the criteria language
reads (`src_<source>`, `person_of_record`, `household_members`), and which household of the run
each earlyhelp family is. Read from the run's own files, so outcomes are judged on the same
linkage that found the families."""

import duckdb

from earlyhelp.targeting.households import ADULT_AGE
from earlyhelp.targeting.models import RunStatus, TargetingRun
from earlyhelp.targeting.pipeline.gather import gather_sources
from earlyhelp.targeting.pipeline.workspace import connect, run_dir


def latest_run() -> TargetingRun | None:
    return (TargetingRun.objects.filter(status=RunStatus.FINISHED)
            .order_by("-finished_at", "-created_at").first())


def connect_run(run: TargetingRun) -> duckdb.DuckDBPyConnection:
    con = connect()
    gather_sources(con, list(run.batches.all()))
    out = run_dir(run)
    con.execute(f"""CREATE TEMP TABLE person_of_record AS
        SELECT record_key, person_key FROM read_parquet('{out / "records.parquet"}')""")
    # The same kinds of member as the run's households (targeting/households.py).
    con.execute(f"""CREATE TEMP TABLE household_members AS
        SELECT household_key, person_key,
               CASE WHEN unborn THEN 'unborn'
                    WHEN age IS NOT NULL AND age < {ADULT_AGE} THEN 'child'
                    WHEN age IS NULL AND relationship = 'child' THEN 'child'
                    ELSE 'adult' END AS member_kind, age
        FROM read_parquet('{out / "persons.parquet"}')""")
    return con


def empty_connection() -> duckdb.DuckDBPyConnection:
    """No finished targeting run: the linked tables with no rows, so a family is judged on its
    casework alone (casework.stage adds its members)."""
    con = connect()
    con.execute("CREATE TEMP TABLE person_of_record (record_key VARCHAR, person_key VARCHAR)")
    con.execute("CREATE TEMP TABLE household_members (household_key VARCHAR, person_key VARCHAR, "
                "member_kind VARCHAR, age INTEGER)")
    return con


def households_of(con, run: TargetingRun, family_ids: list[str]) -> dict[str, str]:
    """{earlyhelp family id: the run's household key} for families the run linked (a family
    split over two households takes the one holding most of its members)."""
    if not family_ids:
        return {}
    rows = con.execute(
        f"""SELECT r.eh_family_id, hm.household_key, count(*) AS n
            FROM read_parquet('{run_dir(run) / "records.parquet"}') r
            JOIN household_members hm USING (person_key)
            WHERE r.eh_family_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY ALL ORDER BY r.eh_family_id, n DESC, hm.household_key""",
        [family_ids],
    ).fetchall()
    found: dict[str, str] = {}
    for family_id, household, _ in rows:
        found.setdefault(family_id, household)
    return found
