import datetime as dt
import json
import logging

import pytest
from django.utils import timezone

from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.operations.heartbeat import beat
from earlyhelp.operations.logs import JsonFormatter, RequestIdFilter
from earlyhelp.operations.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_the_database_migrations_and_worker_are_well(client):
    beat("worker", started_at=timezone.now())
    audit_rows = AuditEvent.objects.count()
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a load balancer asks by address
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["pending"] == 0
    assert body["checks"]["worker"]["ok"]
    assert body["checks"]["scheduler"] == {
        "ok": False,
        "last_beat_seconds_ago": None,
        "required": False,
    }
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.count() == audit_rows  # not a family read: no audit row
    assert "set-cookie" not in {k.lower() for k in response.headers}


def test_healthz_is_503_when_the_worker_has_not_beaten_lately(client):
    beat("worker", started_at=timezone.now())
    Heartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "ok": False,
        "last_beat_seconds_ago": 300,
        "required": True,
    }
    assert response["Retry-After"] == "30"


def test_healthz_is_503_with_no_worker_at_all(client):
    assert client.get("/healthz").status_code == 503


def test_a_council_may_require_the_scheduler_too(client, settings):
    settings.EARLYHELP_HEALTH_REQUIRES = ["database", "worker", "scheduler"]
    beat("worker", started_at=timezone.now())
    assert client.get("/healthz").status_code == 503
    beat("scheduler", started_at=timezone.now())
    assert client.get("/healthz").status_code == 200


def test_request_id_is_taken_from_the_header_or_made_and_echoed(client):
    assert client.get("/sign-in/", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"
    made = client.get("/sign-in/")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/sign-in/")["X-Request-ID"]
    # Anything that could forge a log line is replaced.
    forged = client.get("/sign-in/", HTTP_X_REQUEST_ID='x\n{"level": "ERROR"}')["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_access_lines_carry_the_request_id_and_no_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="earlyhelp.access"):
        client.get("/sign-in/?next=/families/?q=Smith", HTTP_X_REQUEST_ID="req-42")
    [line] = [r for r in caplog.records if r.name == "earlyhelp.access"]
    RequestIdFilter().filter(line)
    out = json.loads(JsonFormatter().format(line))
    assert out["request_id"] == "req-42"
    assert out["path"] == "/sign-in/" and out["status"] == 200 and out["method"] == "GET"
    assert "Smith" not in json.dumps(out)
    assert out["level"] == "INFO" and out["logger"] == "earlyhelp.access"


def test_json_lines_carry_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
        import sys

        record.exc_info = sys.exc_info()
    out = json.loads(JsonFormatter().format(record))
    assert out["message"] == "failed here" and "ValueError: boom" in out["exception"]


def test_the_jobs_page_shows_each_job_to_an_administrator_only(client):
    admin = UserFactory(role=Role.ADMIN)
    verified_login(client, admin)
    beat("scheduler", started_at=timezone.now(), state="idle")
    response = client.get("/operations/jobs/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("panels_detect_stuck", "retention_review", "audit_verify", "Not run yet"):
        assert name in html
    assert "Scheduler" in html and "idle" in html
    verified_login(client, UserFactory(role=Role.MANAGER))
    assert client.get("/operations/jobs/").status_code == 403
