"""The API accepts what its published schema says, and the schema says what the API accepts
(issue 11, item 8: schemathesis with every check). Each test names one gap it found."""

import functools
import uuid

import pytest
from rest_framework.test import APIClient

from earlyhelp.api.schema import RULES


def client_for(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations():
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_request_bodies_are_json_only_and_a_form_body_is_a_415(world):
    types = {(path, t) for path, _, op in operations()
             for t in op.get("requestBody", {}).get("content", {})}
    # One exception: a document upload is a file, sent as multipart (and only as multipart).
    upload = "/api/families/{family_id}/documents/"
    assert {t for path, t in types if path != upload} == {"application/json"}
    assert {t for path, t in types if path == upload} == {"multipart/form-data"}
    response = client_for(world.worker).post("/api/families/", {"name": "Form household"},
                                              format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_every_operation_documents_404_and_the_error_shape():
    missing = [f"{method} {path}" for path, method, op in operations()
               if "404" not in op["responses"]]
    assert not missing


def test_page_and_page_size_are_documented_from_1_and_empty_filters_allowed():
    params = schema()["paths"]["/api/episodes/"]["get"]["parameters"]
    by_name = {p["name"]: p for p in params}
    assert by_name["page"]["schema"]["minimum"] == by_name["page_size"]["schema"]["minimum"] == 1
    assert "allowEmptyValue" not in by_name["page"]
    assert by_name["team"]["allowEmptyValue"] is True


def test_an_edits_version_is_required_in_the_schema():
    components = schema()["components"]["schemas"]
    for name in ("PatchedPersonUpdateInputRequest", "CloseInputRequest"):
        assert "version" in components[name]["required"], name
        assert not any(k.startswith("x-") for k in components[name]["properties"]["version"])


def test_cross_field_rules_are_in_the_schema():
    components = schema()["components"]["schemas"]
    for name, rule in RULES.items():
        for key in ("allOf", "anyOf", "oneOf", "not"):
            if key in rule:
                assert components[name][key] == rule[key], name
    assert components["NewFamilyInputRequest"]["properties"]["members"]["minItems"] == 1
    match = schema()["paths"]["/api/contacts/match-people/"]["post"]["requestBody"]
    assert match["required"] is True  # an empty body is refused: one of the criteria is needed


def test_required_text_must_have_a_non_space_character(world):
    reason = schema()["components"]["schemas"]["ReferralInputRequest"]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["pattern"] == "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    response = client_for(world.worker).post("/api/families/", {"name": "\x1e "}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["name"]


def test_an_unknown_or_hidden_record_is_an_unknown_reference(world):
    api = client_for(world.worker)
    body = api.post("/api/plans/", {"episode": str(uuid.uuid4()), "started_on": "2026-01-05"},
                    format="json").json()
    assert (body["status"], body["code"], list(body["errors"])) == (400, "unknown_reference",
                                                                     ["episode"])
    theme = api.get("/api/directory/services/?theme=no-such-theme").json()
    assert theme["code"] == "unknown_reference" and list(theme["errors"]) == ["theme"]


def test_any_other_error_alongside_keeps_the_invalid_code(world):
    api = client_for(world.worker)
    body = {"family": str(uuid.uuid4()), "team": str(uuid.uuid4()), "on": "2026-01-05",
            "reason": "Stepped down"}
    only = api.post("/api/episodes/step-down/", body, format="json").json()
    assert only["code"] == "unknown_reference" and list(only["errors"]) == ["team"]
    both = api.post("/api/episodes/step-down/", {**body, "on": "soon"}, format="json").json()
    assert both["code"] == "invalid" and set(both["errors"]) == {"team", "on"}


@pytest.mark.parametrize("path, body, field", [
    ("/api/families/", {"name": 0}, "name"),
    ("/api/families/", {"name": "Taylor", "postcode": 12345}, "postcode"),
    ("/api/contacts/match-people/", {"nhs_number": 4857773456}, "nhs_number"),
])
def test_text_fields_refuse_numbers(world, path, body, field):
    response = client_for(world.worker).post(path, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["errors"]) == [field]


def test_a_list_of_ids_refuses_an_object(world):
    from earlyhelp.thresholds.models import ThresholdModel

    model = ThresholdModel.objects.filter(is_active=True).first()
    response = client_for(world.worker).post(
        f"/api/threshold-models/{model.pk}/suggest/", {"indicators": {}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["indicators"]


def test_match_people_without_criteria_is_a_400_in_the_one_shape(world):
    response = client_for(world.worker).post(
        "/api/contacts/match-people/", {"name": "", "date_of_birth": "2015-01-01"}, format="json"
    )
    body = response.json()
    assert response.status_code == 400
    assert set(body) == {"status", "code", "detail", "errors"}
    assert list(body["errors"]) == ["name"] and "NHS number" in body["errors"]["name"][0]


def test_a_body_over_the_real_size_limit_is_a_json_413(world):
    from django.conf import settings

    concerns = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client_for(world.partner).post("/api/contacts/", {"concerns": concerns},
                                              format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_panels_meetings_are_documented_as_the_list_they_are():
    response = schema()["paths"]["/api/panels/{id}/meetings/"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["type"] == "array"


def test_reading_an_episodes_notes_is_documented_as_a_list_not_a_creation():
    """GET and POST share a path: each documents only its own success (GET once said 201)."""
    path = schema()["paths"]["/api/episodes/{id}/notes/"]
    read, write = path["get"], path["post"]
    assert "200" in read["responses"] and "201" not in read["responses"]
    assert read["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "requestBody" not in read
    assert "201" in write["responses"] and "200" not in write["responses"]
    assert "requestBody" in write


def test_nested_text_and_a_partial_edit_refuse_numbers_by_dotted_path(world):
    from earlyhelp.testing.journey import open_episode

    open_episode(world)  # the worker leads: the family is theirs to edit
    api = client_for(world.worker)
    nested = api.post(f"/api/families/{world.family.pk}/members/",
                      {"new_person": {"given_name": 7, "family_name": "Ng",
                                      "date_of_birth": "2015-01-01"},
                       "role": "child", "start_date": "2026-01-05"}, format="json")
    assert nested.status_code == 400, nested.content[:300]
    assert list(nested.json()["errors"]) == ["new_person.given_name"]
    person = world.child
    edit = api.patch(f"/api/people/{person.pk}/", {"family_name": 12, "version": person.version},
                     format="json")
    assert edit.status_code == 400, edit.content[:300]
    assert list(edit.json()["errors"]) == ["family_name"]


def test_drf_itself_is_left_as_it_is():
    """The API's strictness lives on its input path, not in a patch of DRF's classes."""
    from rest_framework import relations, serializers

    assert serializers.CharField().to_internal_value(0) == "0"
    assert relations.ManyRelatedField(
        child_relation=relations.StringRelatedField()).to_internal_value({}) == []


def test_the_directory_age_filter_is_a_whole_number_from_0_in_the_schema_and_server(world):
    by_name = {p["name"]: p for p in
               schema()["paths"]["/api/directory/services/"]["get"]["parameters"]}
    assert by_name["age"]["schema"] == {"type": "integer", "minimum": 0}
    api = client_for(world.worker)
    for age in ("-1", "7.5"):
        response = api.get(f"/api/directory/services/?age={age}")
        assert response.status_code == 400, (age, response.content[:200])
        assert list(response.json()["errors"]) == ["age"]
    assert api.get("/api/directory/services/?age=0").status_code == 200
