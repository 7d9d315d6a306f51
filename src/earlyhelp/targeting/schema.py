"""The person record every targeting reader shares: its columns, named once.

A source file's person columns (`sources.person_columns`), the linkage input (`linkage.files`),
the clerical review's side-by-side details and the run's `records` table all use these names in
this order.
"""

# The details that identify a person: what linkage compares and a reviewer sees side by side.
PERSON_COLUMNS = (
    "first_name",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "upn",
)
# Where the agency places the person: its own household reference and their role in it.
HOUSEHOLD_COLUMNS = ("household_ref", "relationship")
RECORD_COLUMNS = PERSON_COLUMNS + HOUSEHOLD_COLUMNS

# DuckDB types of the record columns; the rest are text.
_SQL_TYPES = {"date_of_birth": "DATE"}


def sql_columns(names=RECORD_COLUMNS) -> str:
    """`name TYPE, ...` for a CREATE TABLE."""
    return ", ".join(f"{name} {_SQL_TYPES.get(name, 'VARCHAR')}" for name in names)
