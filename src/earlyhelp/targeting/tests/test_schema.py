"""The person record's columns are named once (targeting.schema) and every reader agrees."""

import duckdb

from earlyhelp.targeting.linkage.files import FIELDS
from earlyhelp.targeting.schema import PERSON_COLUMNS, RECORD_COLUMNS, sql_columns
from earlyhelp.targeting.sources import SOURCE_TYPES, person_columns


def test_a_source_files_person_columns_are_the_record_columns_in_order():
    for nhs in (False, True):
        for upn in (False, True):
            names = tuple(c.name for c in person_columns(nhs=nhs, upn=upn))
            assert names == ("record_id", *RECORD_COLUMNS)


def test_every_source_type_starts_with_the_record_columns():
    assert SOURCE_TYPES
    for source in SOURCE_TYPES.values():
        names = tuple(c.name for c in source.columns)
        assert names[: len(RECORD_COLUMNS) + 1] == ("record_id", *RECORD_COLUMNS), source.code


def test_the_linkage_file_fields_are_the_person_columns():
    assert FIELDS == ("record_id", *PERSON_COLUMNS)
    assert set(PERSON_COLUMNS) < set(RECORD_COLUMNS)


def test_sql_columns_types_the_date_of_birth_and_leaves_the_rest_text():
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t ({sql_columns()})")
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                             "WHERE table_name = 't'").fetchall())
    assert list(types) == list(RECORD_COLUMNS)
    assert types.pop("date_of_birth") == "DATE"
    assert set(types.values()) == {"VARCHAR"}
