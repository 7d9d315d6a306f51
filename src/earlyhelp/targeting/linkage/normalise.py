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

from ..schema import PERSON_COLUMNS
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


def _text(col: str) -> str:
    return f"upper(coalesce(CAST({col} AS VARCHAR), ''))"


def _clean_name_sql(col: str) -> str:
    """Upper case, accents off, only letters and single spaces (hyphens become spaces)."""
    letters = (
        f"regexp_replace(upper(strip_accents(coalesce(CAST({col} AS VARCHAR), ''))), "
        "'[^A-Z \\-]', '', 'g')"
    )
    slow = f"trim(regexp_replace({letters}, '[\\s\\-]+', ' ', 'g'))"
    # Most names are plain words already, which the replacements would leave as they are: one
    # match instead of two replacements (a million records: 0.5 s of CPU less per name).
    plain = _text(col)
    return f"CASE WHEN regexp_full_match({plain}, '[A-Z]+( [A-Z]+)*') THEN {plain} ELSE {slow} END"


def _squashed_address_sql(col: str) -> str:
    """Upper case, each run of anything but letters and digits one space."""
    plain = _text(col)
    return (
        f"CASE WHEN regexp_full_match({plain}, '[A-Z0-9]+( [A-Z0-9]+)*') THEN {plain} "
        f"ELSE trim(regexp_replace({plain}, '[^A-Z0-9]+', ' ', 'g')) END"
    )


_ADDRESS_WORD = "\\b(" + "|".join(ADDRESS_WORDS) + ")\\b"


def _address_sql(squashed: str) -> str:
    """One spelling for each street word (ST → STREET …), from the squashed address. The words
    are split and mapped only in the addresses that hold a short form."""
    cases = " ".join(f"WHEN '{short}' THEN '{long}'" for short, long in ADDRESS_WORDS.items())
    expanded = (
        f"array_to_string(list_transform(string_split({squashed}, ' '), "
        f"lambda w: CASE w {cases} ELSE w END), ' ')"
    )
    return (
        f"nullif(CASE WHEN regexp_matches({squashed}, '{_ADDRESS_WORD}') THEN {expanded} "
        f"ELSE {squashed} END, '')"
    )


def _squashed_postcode_sql(col: str) -> str:
    return f"regexp_replace({_text(col)}, '[^A-Z0-9]', '', 'g')"


def _postcode_sql(squashed: str) -> str:
    """A UK postcode in its standard form (outward code, space, inward code); any other postcode
    or zip code (e.g. 2615, 75011) squashed to letters and digits, so it still takes part in
    comparisons. The ZZ99 pseudo-postcodes (no fixed abode, abroad) are missing."""
    return (
        f"CASE WHEN starts_with({squashed}, 'ZZ99') OR {squashed} = '' THEN NULL "
        f"WHEN regexp_matches({squashed}, '{POSTCODE_PATTERN}') "
        f"THEN left({squashed}, length({squashed}) - 3) || ' ' || right({squashed}, 3) "
        f"ELSE {squashed} END"
    )


def _iso_date_sql(col: str) -> str:
    return f"strftime(TRY_CAST({col} AS DATE), '%Y-%m-%d')"


def _dob_sql(iso: str) -> str:
    return f"CASE WHEN {iso} IN ({_sql_list(PLACEHOLDER_DOBS)}) THEN NULL ELSE {iso} END"


def build_profiles(con: duckdb.DuckDBPyConnection, records: str) -> dict:
    """From `records` (record_key, source and the person columns) build two tables:

    - ``lk_record_profile(record_key, source, profile_id)`` – every record's profile;
    - ``lk_profiles`` – one row per profile with the cleaned and derived columns the model uses.

    Four statements, each read once: the raw details' key per record; each distinct set of raw
    details cleaned (values that several cleaned columns start from computed once, in a first
    step); every record's profile; the profiles with their derived columns.
    """
    titles = "|".join(TITLES)
    raw = ", ".join(PERSON_COLUMNS)
    # Records repeat the same details many times: clean each distinct set of raw details once.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_raw AS
        SELECT record_key, source, hash({raw}) AS raw_key FROM {records}
        """
    )
    placeholders = _sql_list(PLACEHOLDER_NAMES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_clean_ids AS
        WITH distinct_raw AS (
            SELECT DISTINCT ON (raw_key) *
            FROM (SELECT hash({raw}) AS raw_key, {raw} FROM {records})
        ),
        parts AS (
            SELECT raw_key,
                {_clean_name_sql("first_name")} AS given,
                {_clean_name_sql("surname")} AS surname,
                {_iso_date_sql("date_of_birth")} AS iso_dob,
                upper(trim(CAST(sex AS VARCHAR))) AS sex,
                {_squashed_postcode_sql("postcode")} AS postcode,
                {_squashed_address_sql("address")} AS address,
                nhs_number, upn
            FROM distinct_raw
        ),
        cleaned AS (
            SELECT raw_key,
                CASE WHEN contains(given, ' ') THEN regexp_replace(given, '^({titles}) ', '')
                    ELSE given END AS given,
                replace(surname, ' ', '') AS surname,
                {_dob_sql("iso_dob")} AS dob,
                CASE sex WHEN 'M' THEN 'M' WHEN 'MALE' THEN 'M'
                    WHEN 'F' THEN 'F' WHEN 'FEMALE' THEN 'F' END AS sex,
                {_postcode_sql("postcode")} AS postcode,
                {_address_sql("address")} AS address,
                nullif(regexp_replace(CAST(nhs_number AS VARCHAR), '[^0-9]', '', 'g'), '')
                    AS nhs_number,
                nullif(upper(trim(CAST(upn AS VARCHAR))), '') AS upn
            FROM parts
        ),
        named AS (
            SELECT raw_key,
                CASE WHEN given IN ({placeholders}) OR given = '' THEN NULL
                    ELSE split_part(given, ' ', 1) END AS first_name,
                nullif(CASE WHEN given IN ({placeholders}) THEN ''
                    ELSE trim(substr(given, length(split_part(given, ' ', 1)) + 1)) END, '')
                    AS middle_names,
                CASE WHEN surname IN ({_sql_list(p.replace(" ", "") for p in PLACEHOLDER_NAMES)})
                    OR surname = '' THEN NULL ELSE surname END AS surname,
                dob, sex, postcode, address, nhs_number, upn
            FROM cleaned
        )
        SELECT *, left(md5(concat_ws('|', coalesce(first_name, ''), coalesce(middle_names, ''),
                coalesce(surname, ''), coalesce(dob, ''), coalesce(sex, ''),
                coalesce(postcode, ''), coalesce(address, ''), coalesce(nhs_number, ''),
                coalesce(upn, ''))), 16) AS profile_id
        FROM named
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_record_profile AS "
        "SELECT r.record_key, r.source, c.profile_id "
        "FROM lk_raw r JOIN lk_clean_ids c USING (raw_key)"
    )
    con.execute("DROP TABLE lk_raw")
    names = _name_codes(con)
    con.register("lk_name_codes", names)
    # A profile id is a hash of every cleaned detail: the rows of one profile hold the same
    # details, and any one of them stands for it.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_profiles AS
        WITH p AS (
            SELECT DISTINCT ON (profile_id) profile_id, first_name, middle_names, surname, dob,
                sex, postcode, address, nhs_number, upn
            FROM lk_clean_ids
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
    con.execute("DROP TABLE lk_clean_ids")
    records_n, profiles_n = con.execute(
        "SELECT (SELECT count(*) FROM lk_record_profile), (SELECT count(*) FROM lk_profiles)"
    ).fetchall()[0]
    return {"records": records_n, "profiles": profiles_n}


def _name_codes(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Phonetic code (metaphone) and nickname groups for every distinct cleaned name."""
    rows = con.execute(
        "SELECT DISTINCT name FROM (SELECT first_name AS name FROM lk_clean_ids UNION "
        "SELECT surname FROM lk_clean_ids) WHERE name IS NOT NULL"
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
