"""Every API error is JSON in one shape, and bad input is never a 500 (issue 11, item 4)."""

import json

import pytest
from rest_framework.test import APIClient

from earlyhelp.testing.journey import completed_assessment, open_episode


def client_for(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def assert_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code, body
    if status == 400:
        assert isinstance(body["errors"], dict) and body["errors"], body
    assert "Traceback" not in response.content.decode()
    return body


def test_deeply_nested_json_is_a_400_not_a_500(world):
    body = "[" * 100_000 + "]" * 100_000
    response = client_for(world.partner).post(
        "/api/contacts/", body, content_type="application/json"
    )
    assert_shape(response, 400, "parse_error")


def test_moderately_nested_json_over_the_depth_cap_is_refused(world):
    body = json.dumps({"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})
    response = client_for(world.partner).post(
        "/api/contacts/", body, content_type="application/json"
    )
    body = assert_shape(response, 400, "parse_error")
    assert "nested" in body["detail"]


@pytest.mark.parametrize(
    "url,param",
    [
        ("/api/families/?postcode=%00", "postcode"),
        ("/api/assessments/?status=%00", "status"),
        ("/api/directory/services/?q=ab%00c", "q"),
        ("/api/people/?page=1&surname=x%00", "surname"),
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(world, url, param):
    body = assert_shape(client_for(world.worker).get(url), 400, "invalid")
    assert param in body["errors"]


def test_a_nul_byte_in_a_json_body_is_a_400_naming_the_field(world):
    response = client_for(world.partner).post(
        "/api/contacts/", {"referrer_name": "Jo\u0000", "source": "2A"}, format="json"
    )
    body = assert_shape(response, 400)
    assert "referrer_name" in body["errors"]


def test_a_body_over_the_size_limit_is_a_json_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    payload = {"concerns": "x" * 20_000}
    response = client_for(world.partner).post("/api/contacts/", payload, format="json")
    assert_shape(response, 413, "too_large")


def test_validation_errors_keep_field_messages(world):
    response = client_for(world.partner).post("/api/contacts/", {"source": "ZZ"}, format="json")
    body = assert_shape(response, 400, "invalid")
    assert "source" in body["errors"] and isinstance(body["errors"]["source"], list)


def test_404_405_415_409_and_unauthenticated_share_the_shape(world):
    worker = client_for(world.worker)
    assert_shape(worker.get("/api/episodes/00000000-0000-0000-0000-000000000000/"), 404,
                 "not_found")
    assert_shape(worker.get("/api/no-such-thing/"), 404, "not_found")
    assert_shape(worker.delete("/api/episodes/"), 405, "method_not_allowed")
    assert_shape(
        worker.post("/api/contacts/", "a=b", content_type="text/plain"), 415,
        "unsupported_media_type",
    )
    anonymous = APIClient().get("/api/episodes/")
    assert anonymous.status_code in (401, 403)
    assert_shape(anonymous, anonymous.status_code)
    episode = open_episode(world)
    _assessment, _need = completed_assessment(world, episode)
    response = worker.post(
        f"/api/assessments/{_assessment.pk}/complete/",
        {"completed_on": "2026-01-01", "version": _assessment.version}, format="json",
    )
    assert_shape(response, 409)


def test_an_unhandled_exception_is_a_json_500_without_a_traceback(world, monkeypatch):
    from earlyhelp.worklists import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "caseload", broken)
    response = client_for(world.worker).get("/api/caseload/")
    body = assert_shape(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert "secret" not in body["detail"]
