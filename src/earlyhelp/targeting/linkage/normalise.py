"""Clean person details into comparable *profiles* before linkage.

Records are events (an attendance, an incident, a claim); the same person appears in many with the
same details. Linkage compares distinct *profiles* – one per distinct set of cleaned identifying
details – and maps every record back to its profile. A profile id is a hash of the cleaned details,
so the same details give the same id in every run: clerical decisions are kept against profile ids.

Everything here runs in DuckDB over whole tables; the only Python step is the phonetic code and
nickname groups, computed once per *distinct* name.
"""

import duckdb
import jellyfish
import pyarrow as pa

from .nicknames import name_groups

# Values agencies write when they do not know: treated as missing, never as a match.
PLACEHOLDER_NAMES = (
    "UNKNOWN",
    "NOT KNOWN",
    "NOTKNOWN",
    "NK",
    "NA",
    "N A",
    "NONE",
    "BABY",
    "UNBORN",
    "INFANT",
    "MALE",
    "FEMALE",
    "TEST",
    "XX",
    "X",
)
PLACEHOLDER_DOBS = ("1900-01-01", "1901-01-01", "1800-01-01")
TITLES = ("MR", "MRS", "MISS", "MS", "MX", "DR", "MASTER", "REV", "SIR", "PROF")

# Address words written in more than one way.
ADDRESS_WORDS = {
    "ST": "STREET",
    "RD": "ROAD",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "CL": "CLOSE",
    "DR": "DRIVE",
    "LN": "LANE",
    "CRES": "CRESCENT",
    "CRESC": "CRESCENT",
    "GDNS": "GARDENS",
    "GRDNS": "GARDENS",
    "PL": "PLACE",
    "CT": "COURT",
    "TER": "TERRACE",
    "TERR": "TERRACE",
    "SQ": "SQUARE",
    "GRN": "GREEN",
    "GRO": "GROVE",
    "PK": "PARK",
    "WY": "WAY",
    "HSE": "HOUSE",
    "FLT": "FLAT",
    "APT": "FLAT",
    "APARTMENT": "FLAT",
    "MT": "MOUNT",
    "NTH": "NORTH",
    "STH": "SOUTH",
}

POSTCODE_PATTERN = "^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"


def _sql_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _clean_name_sql(col: str) -> str:
    """Upper case, accents off, only letters and single spaces (hyphens become spaces)."""
    letters = (
        f"regexp_replace(upper(strip_accents(coalesce(CAST({col} AS VARCHAR), ''))), "
        "'[^A-Z \\-]', '', 'g')"
    )
    return f"trim(regexp_replace({letters}, '[\\s\\-]+', ' ', 'g'))"


def _address_sql(col: str) -> str:
    """Upper case, punctuation off, one spelling for each street word (ST → STREET …)."""
    words = (
        f"string_split(trim(regexp_replace(regexp_replace(upper(coalesce(CAST({col} AS VARCHAR), "
        "'')), '[^A-Z0-9 ]', ' ', 'g'), '\\s+', ' ', 'g')), ' ')"
    )
    cases = " ".join(f"WHEN '{short}' THEN '{long}'" for short, long in ADDRESS_WORDS.items())
    expanded = f"array_to_string(list_transform({words}, lambda w: CASE w {cases} ELSE w END), ' ')"
    return f"nullif({expanded}, '')"


def _postcode_sql(col: str) -> str:
    """A UK postcode in its standard form (outward code, space, inward code); any other postcode
    or zip code (e.g. 2615, 75011) squashed to letters and digits, so it still takes part in
    comparisons. The ZZ99 pseudo-postcodes (no fixed abode, abroad) are missing."""
    squashed = f"regexp_replace(upper(coalesce(CAST({col} AS VARCHAR), '')), '[^A-Z0-9]', '', 'g')"
    return (
        f"CASE WHEN starts_with({squashed}, 'ZZ99') OR {squashed} = '' THEN NULL "
        f"WHEN regexp_matches({squashed}, '{POSTCODE_PATTERN}') "
        f"THEN left({squashed}, length({squashed}) - 3) || ' ' || right({squashed}, 3) "
        f"ELSE {squashed} END"
    )


def _dob_sql(col: str) -> str:
    iso = f"strftime(TRY_CAST({col} AS DATE), '%Y-%m-%d')"
    return f"CASE WHEN {iso} IN ({_sql_list(PLACEHOLDER_DOBS)}) THEN NULL ELSE {iso} END"


def build_profiles(con: duckdb.DuckDBPyConnection, records: str) -> dict:
    """From `records` (record_key, source and the person columns) build two tables:

    - ``lk_record_profile(record_key, source, profile_id)`` – every record's profile;
    - ``lk_profiles`` – one row per profile with the cleaned and derived columns the model uses.
    """
    titles = "|".join(TITLES)
    # Records repeat the same details many times: clean each distinct set of raw details once.
    raw = (
        "first_name, surname, CAST(date_of_birth AS VARCHAR) AS date_of_birth, sex, postcode, "
        "address, nhs_number, upn"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_raw AS
        SELECT record_key, source, hash({raw.replace(" AS date_of_birth", "")}) AS raw_key
        FROM {records}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_raw_distinct AS
        SELECT DISTINCT ON (raw_key) raw_key, {raw}
        FROM (SELECT hash({raw.replace(" AS date_of_birth", "")}) AS raw_key, {raw}
              FROM {records})
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_clean AS
        WITH cleaned AS (
            SELECT raw_key,
                regexp_replace({_clean_name_sql("first_name")}, '^({titles}) ', '') AS given,
                replace({_clean_name_sql("surname")}, ' ', '') AS surname,
                {_dob_sql("date_of_birth")} AS dob,
                CASE upper(trim(CAST(sex AS VARCHAR))) WHEN 'M' THEN 'M' WHEN 'MALE' THEN 'M'
                    WHEN 'F' THEN 'F' WHEN 'FEMALE' THEN 'F' END AS sex,
                {_postcode_sql("postcode")} AS postcode,
                {_address_sql("address")} AS address,
                nullif(regexp_replace(CAST(nhs_number AS VARCHAR), '[^0-9]', '', 'g'), '')
                    AS nhs_number,
                nullif(upper(trim(CAST(upn AS VARCHAR))), '') AS upn
            FROM lk_raw_distinct
        )
        SELECT raw_key,
            CASE WHEN given IN ({_sql_list(PLACEHOLDER_NAMES)}) OR given = '' THEN NULL
                ELSE split_part(given, ' ', 1) END AS first_name,
            nullif(CASE WHEN given IN ({_sql_list(PLACEHOLDER_NAMES)}) THEN ''
                ELSE trim(substr(given, length(split_part(given, ' ', 1)) + 1)) END, '')
                AS middle_names,
            CASE WHEN surname IN ({_sql_list(p.replace(" ", "") for p in PLACEHOLDER_NAMES)})
                OR surname = '' THEN NULL ELSE surname END AS surname,
            dob, sex, postcode, address, nhs_number, upn
        FROM cleaned
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_clean_ids AS
        SELECT *, left(md5(concat_ws('|', coalesce(first_name, ''), coalesce(middle_names, ''),
                coalesce(surname, ''), coalesce(dob, ''), coalesce(sex, ''),
                coalesce(postcode, ''), coalesce(address, ''), coalesce(nhs_number, ''),
                coalesce(upn, ''))), 16) AS profile_id
        FROM lk_clean
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_record_profile AS "
        "SELECT r.record_key, r.source, c.profile_id "
        "FROM lk_raw r JOIN lk_clean_ids c USING (raw_key)"
    )
    names = _name_codes(con)
    con.register("lk_name_codes", names)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_profiles AS
        WITH p AS (
            SELECT profile_id, any_value(first_name) AS first_name,
                any_value(middle_names) AS middle_names, any_value(surname) AS surname,
                any_value(dob) AS dob, any_value(sex) AS sex, any_value(postcode) AS postcode,
                any_value(address) AS address, any_value(nhs_number) AS nhs_number,
                any_value(upn) AS upn
            FROM lk_clean_ids GROUP BY profile_id
        )
        SELECT p.*,
            fn.code AS first_name_mp, fn.groups AS first_name_groups,
            left(p.first_name, 1) AS first_initial,
            sn.code AS surname_mp,
            CAST(left(p.dob, 4) AS INTEGER) AS birth_year,
            CASE WHEN CAST(substr(p.dob, 9, 2) AS INTEGER) <= 12
                AND substr(p.dob, 9, 2) <> substr(p.dob, 6, 2)
                THEN left(p.dob, 5) || substr(p.dob, 9, 2) || '-' || substr(p.dob, 6, 2)
                END AS dob_swapped,
            -- Sector and district exist only for UK postcodes (written with their space).
            CASE WHEN contains(p.postcode, ' ')
                THEN regexp_extract(p.postcode, '^[A-Z]{1,2}[0-9][A-Z0-9]?', 0) END
                AS postcode_district,
            CASE WHEN contains(p.postcode, ' ') THEN left(p.postcode, length(p.postcode) - 2) END
                AS postcode_sector,
            nullif(regexp_extract(p.address, '\\b([0-9]+[A-Z]?)\\b', 1), '') AS house_number
        FROM p
        LEFT JOIN lk_name_codes fn ON fn.name = p.first_name
        LEFT JOIN lk_name_codes sn ON sn.name = p.surname
        """
    )
    con.unregister("lk_name_codes")
    con.execute(
        "DROP TABLE lk_clean; DROP TABLE lk_clean_ids; "
        "DROP TABLE lk_raw; DROP TABLE lk_raw_distinct"
    )
    records_n, profiles_n = con.execute(
        "SELECT (SELECT count(*) FROM lk_record_profile), (SELECT count(*) FROM lk_profiles)"
    ).fetchall()[0]
    return {"records": records_n, "profiles": profiles_n}


def _name_codes(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Phonetic code (metaphone) and nickname groups for every distinct cleaned name."""
    rows = con.execute(
        "SELECT DISTINCT name FROM (SELECT first_name AS name FROM lk_clean UNION "
        "SELECT surname FROM lk_clean) WHERE name IS NOT NULL"
    ).fetchall()
    names = [row[0] for row in rows]
    codes = [jellyfish.metaphone(name) or None for name in names]
    groups = [name_groups(name) for name in names]
    return pa.table(
        {
            "name": pa.array(names, pa.string()),
            "code": pa.array(codes, pa.string()),
            "groups": pa.array(groups, pa.list_(pa.string())),
        }
    )
