"""core.prepared.cursor keeps each SQL text's conversion for the driver (issue 19): a kept
conversion must bind and read as the driver's own does – long statements (which psycopg does
not cache itself), literal percent signs and repeated runs with other parameters."""

import pytest
from django.db import connection

from earlyhelp.core import prepared

pytestmark = pytest.mark.django_db


def _long_sql(n: int) -> str:
    """A statement longer than psycopg's own cache takes (4,096 characters), %s parameters."""
    terms = " + ".join(["%s"] * n)
    padding = " AND ".join(["1 = 1"] * 800)
    return f"SELECT {terms}, 'a%%b' WHERE {padding}"


@pytest.mark.parametrize("n", [1, 3])
def test_a_kept_conversion_reads_as_the_drivers_own(n):
    sql = _long_sql(n)
    assert len(sql) > 4096
    for first in (1, 10, 100):  # converted once, then kept and bound anew each run
        params = [first + i for i in range(n)]
        with prepared.cursor(connection) as cursor:
            cursor.execute(sql, params)
            kept = cursor.fetchall()
        with connection.cursor() as cursor:  # Django's own cursor, no kept conversion
            cursor.execute(sql, params)
            assert kept == cursor.fetchall() == [(sum(params), "a%b")]


def test_sql_without_parameters_is_left_to_the_driver():
    with prepared.cursor(connection) as cursor:
        cursor.execute("SELECT 'a%b'")
        assert cursor.fetchall() == [("a%b",)]
