"""Group linked people into households.

Two people are in one household when, on the sources' evidence up to the reference date:

- their latest known address is the same (same postcode and first line), or
- a source puts them in one household, tenancy, claim or case (the same `household_ref` in one
  source, on a record of the last two years) – this is how parent–child relationships arrive.

Households are the connected groups of people under those two kinds of tie. An address shared by
more than MAX_ADDRESS_GROUP people (a hostel, a block recorded without flat numbers) ties no
one: its people fall back on their household references, or stand alone.

Works on the tables a run leaves in DuckDB: `records` (with event dates, household_ref,
relationship), `lk_record_profile`, `lk_profiles` and `person_of_record`.
"""

import datetime as dt

import duckdb
import pyarrow as pa

MAX_ADDRESS_GROUP = 15
HOUSEHOLD_REF_MONTHS = 24
ADDRESS_MONTHS = 36
ADULT_AGE = 18


def build(con: duckdb.DuckDBPyConnection, reference: dt.date) -> dict:
    """Leaves `persons` (one row per person) and `household_members` in `con`."""
    ref = f"DATE '{reference.isoformat()}'"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE person_addresses AS
        SELECT pr.person_key, p.postcode, p.address,
               max(least(coalesce(r.event_end, r.event_start, {ref}), {ref})) AS last_seen
        FROM records r
        JOIN person_of_record pr USING (record_key)
        JOIN lk_profiles p ON p.profile_id = pr.profile_id
        WHERE p.postcode IS NOT NULL AND p.address IS NOT NULL
          AND coalesce(r.event_start, {ref}) <= {ref}
          AND coalesce(r.event_end, r.event_start, {ref})
              >= {ref} - INTERVAL {ADDRESS_MONTHS} MONTH
        GROUP BY ALL
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE latest_address AS
        SELECT person_key, arg_max(postcode || '|' || address, last_seen) AS address_key
        FROM person_addresses GROUP BY person_key
        """
    )
    # Ties: people sharing a latest address (unless crowded), or a household reference.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE household_ties AS
        WITH by_address AS (
            SELECT address_key AS tie, person_key FROM latest_address
            WHERE address_key IN (
                SELECT address_key FROM latest_address GROUP BY address_key
                HAVING count(*) BETWEEN 2 AND {MAX_ADDRESS_GROUP}
            )
        ),
        by_reference AS (
            SELECT DISTINCT r.source || ':' || r.household_ref AS tie, pr.person_key
            FROM records r JOIN person_of_record pr USING (record_key)
            WHERE r.household_ref IS NOT NULL AND r.household_ref <> ''
              AND coalesce(r.event_end, r.event_start, {ref})
                  >= {ref} - INTERVAL {HOUSEHOLD_REF_MONTHS} MONTH
        )
        SELECT tie, person_key FROM by_address
        UNION ALL
        SELECT tie, person_key FROM by_reference WHERE tie IN (
            SELECT tie FROM by_reference GROUP BY tie HAVING count(*) BETWEEN 2 AND 30
        )
        """
    )
    _components(con)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE persons AS
        WITH counts AS (
            SELECT person_key, count(*) AS records,
                   list(DISTINCT source ORDER BY source) AS sources
            FROM person_of_record GROUP BY person_key
        ),
        details AS (  -- the person's most usual details, over their distinct profiles
            SELECT c.cluster_id AS person_key,
                   mode(p.first_name) AS first_name, mode(p.surname) AS surname,
                   mode(p.dob) AS dob, mode(p.sex) AS sex
            FROM lk_clusters c JOIN lk_profiles p USING (profile_id)
            GROUP BY c.cluster_id
        ),
        roles AS (
            SELECT pr.person_key,
                   mode(r.relationship) FILTER (WHERE r.relationship <> '') AS relationship,
                   bool_or(r.unborn) AS unborn
            FROM records r JOIN person_of_record pr USING (record_key)
            WHERE r.relationship IS NOT NULL OR r.unborn
            GROUP BY pr.person_key
        ),
        facts AS (
            SELECT d.*, r.relationship, coalesce(r.unborn, false) AS unborn, c.records, c.sources
            FROM details d JOIN counts c USING (person_key) LEFT JOIN roles r USING (person_key)
        )
        SELECT f.*,
               coalesce(h.household_key, left(md5('household:' || f.person_key), 12))
                   AS household_key,
               CASE WHEN f.dob IS NULL THEN NULL
                    ELSE date_diff('year', CAST(f.dob AS DATE), {ref})
                         - CASE WHEN strftime({ref}, '%m-%d') < substr(f.dob, 6, 5) THEN 1
                                ELSE 0 END
               END AS age,
               split_part(la.address_key, '|', 1) AS postcode
        FROM facts f
        LEFT JOIN household_of h USING (person_key)
        LEFT JOIN latest_address la USING (person_key)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE household_members AS
        SELECT household_key, person_key,
               CASE WHEN unborn THEN 'unborn'
                    WHEN age IS NOT NULL AND age < {ADULT_AGE} THEN 'child'
                    WHEN age IS NULL AND relationship = 'child' THEN 'child'
                    ELSE 'adult' END AS member_kind,
               age
        FROM persons
        """
    )
    households, people = con.execute(
        "SELECT count(DISTINCT household_key), count(*) FROM household_members"
    ).fetchall()[0]
    return {"households": households, "people_in_households": people}


def _components(con: duckdb.DuckDBPyConnection) -> None:
    """Union-find over the ties: `household_of(person_key, household_key)`."""
    ties = con.execute("SELECT tie, person_key FROM household_ties ORDER BY tie").fetchall()
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    previous_tie, first = None, None
    for tie, person in ties:
        parent.setdefault(person, person)
        if tie != previous_tie:
            previous_tie, first = tie, person
            continue
        a, b = find(first), find(person)
        if a != b:
            parent[max(a, b)] = min(a, b)
    people = list(parent)
    con.register(
        "household_of_in",
        pa.table(
            {
                "person_key": pa.array(people, pa.string()),
                "household_key": pa.array([find(p) for p in people], pa.string()),
            }
        ),
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE household_of AS SELECT person_key, "
        "left(md5('household:' || household_key), 12) AS household_key FROM household_of_in"
    )
    con.unregister("household_of_in")
