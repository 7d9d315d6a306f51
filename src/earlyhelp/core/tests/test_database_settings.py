"""DATABASE_URL into Django's settings: the options the deployment depends on."""

import pytest
from django.db import connection

from earlyhelp.settings.env import database_from_url


def test_postgresql_connections_turn_jit_off():
    settings = database_from_url("postgres://user:secret@db.example:5433/earlyhelp")
    assert settings["OPTIONS"]["options"] == "-c jit=off"
    assert (settings["NAME"], settings["PORT"], settings["CONN_HEALTH_CHECKS"]) == (
        "earlyhelp", "5433", True)


@pytest.mark.django_db
def test_the_running_postgresql_session_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_both_databases_keep_their_connections_between_requests():
    # A new SQLite connection per request cost more than a casework page's own work (issue 19)
    for url in ("sqlite:///var/x.sqlite3", "postgres://user@db.example/earlyhelp"):
        assert database_from_url(url)["CONN_MAX_AGE"] == 60, url
