"""Responses match the published schema (issue 11, item 8): the consent history is a page,
`suggest` always answers JSON, and the error responses are documented on every operation
with one shared component."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from earlyhelp.testing.journey import open_episode


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_consent_history_is_a_page(world):
    open_episode(world)
    response = client_for(world.worker).get(f"/api/people/{world.parent.pk}/consents/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "results"} and isinstance(body["results"], list)


def test_suggest_answers_json_even_when_nothing_is_suggested(world):
    response = client_for(world.worker).post(
        f"/api/threshold-models/{world.model.pk}/suggest/", {"indicators": []}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"level": None}
    ticked = client_for(world.worker).post(
        f"/api/threshold-models/{world.model.pk}/suggest/",
        {"indicators": [world.indicator(3).pk]}, format="json",
    )
    assert ticked.json()["level"]["id"] == str(world.level(3).pk)


def test_every_operation_documents_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "detail"}
    assert "errors" in error["properties"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401", "403", "413", "429", "500"}
            if method in ("post", "put", "patch"):
                expected |= {"400", "409", "415"}
            if "{" in path:
                expected.add("404")
            missing = expected - set(responses)
            assert not missing, f"{method.upper()} {path} lacks {sorted(missing)}"
            for code in expected:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error")
