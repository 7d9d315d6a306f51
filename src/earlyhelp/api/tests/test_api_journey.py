"""The journey through the API: status codes, field errors, 409s, 404s, pagination, audit."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from earlyhelp.cases.models import Episode
from earlyhelp.core.dates import today
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode, raise_contact
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def version_of(client, url):
    """The version an edit carries: what the caller read (the detail's ETag)."""
    return client.get(url).headers["ETag"]


def contact_body(world, **overrides):
    body = {
        "source": "2A",
        "referrer_name": "Jo Lead",
        "concerns": "Attendance has dropped.",
        "family_consents_to_request": "yes",
        "family_consents_to_share": "yes",
        "new_family": {"name": "Okafor household", "postcode": "en5 2bb"},
        "new_members": [
            {"person": {"given_name": "Tomi", "family_name": "Okafor",
                        "date_of_birth": "2016-04-03", "sex": "M"}, "role": "child"},
            {"person": {"given_name": "Grace", "family_name": "Okafor",
                        "date_of_birth": "1985-09-12", "sex": "F"}, "role": "parent_carer",
             "is_subject": False},
        ],
    }
    body.update(overrides)
    return body


def test_unauthenticated_requests_are_refused(db):
    # Session authentication only: DRF answers an anonymous caller 403 (no WWW-Authenticate).
    assert APIClient().get("/api/episodes/").status_code == 403


def test_a_partner_raises_a_request_with_new_people(world):
    response = client_for(world.partner).post("/api/contacts/", contact_body(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"].startswith("C") and len(data["people"]) == 2
    assert [p["is_subject"] for p in data["people"]] == [True, False]
    contact = Contact.objects.get(pk=data["id"])
    assert contact.family.postcode == "EN5 2BB"
    assert contact.referrer_organisation == world.school


def test_bad_input_gets_field_level_400s_and_nothing_is_written(world):
    body = contact_body(world, source="ZZ", family_consents_to_share="maybe")
    body["new_members"][0]["person"]["date_of_birth"] = "not a date"
    body["new_members"][1]["person"]["nhs_number"] = "123"
    response = client_for(world.partner).post("/api/contacts/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"source", "family_consents_to_share", "new_members.0.person.date_of_birth"} <= set(errors)
    assert Contact.objects.count() == 0


def test_invalid_nhs_number_is_a_field_error(world):
    body = contact_body(world)
    body["new_members"][1]["person"]["nhs_number"] = "9434765918"
    response = client_for(world.partner).post("/api/contacts/", body, format="json")
    assert response.status_code == 400
    assert "nhs_number" in str(response.json())
    assert Contact.objects.count() == 0


def test_triage_through_the_api_and_a_refusal_is_409(world):
    contact = raise_contact(world)
    body = {
        "outcome": "early_help", "threshold_model": str(world.model.pk),
        "indicators": [str(world.indicator(3).pk)], "level": str(world.level(2).pk),
        "rag": "amber", "rationale": "Additional needs", "routed_team": str(world.team.pk),
    }
    client = client_for(world.front_door)
    refused = client.post(f"/api/contacts/{contact.pk}/triage/", body, format="json")
    assert refused.status_code == 409
    assert "give the reason" in refused.json()["detail"]
    body["override_reason"] = "Already working with the school"
    ok = client.post(f"/api/contacts/{contact.pk}/triage/", body, format="json")
    assert ok.status_code == 201, ok.json()
    assert Episode.objects.filter(pk=ok.json()["episode"]).exists()
    again = client.post(f"/api/contacts/{contact.pk}/triage/", body, format="json")
    assert again.status_code == 409


def test_partners_cannot_triage(world):
    contact = raise_contact(world)
    response = client_for(world.partner).post(
        f"/api/contacts/{contact.pk}/triage/", {}, format="json"
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.status == "awaiting_decision"


def test_out_of_scope_and_guessed_ids_are_404(world):
    episode = open_episode(world)
    outsider = client_for(world.other_worker)
    assert outsider.get(f"/api/episodes/{episode.pk}/").status_code == 404
    assert outsider.get(f"/api/families/{world.family.pk}/").status_code == 404
    assert outsider.get("/api/episodes/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert outsider.get("/api/episodes/not-a-uuid/").status_code == 404
    assert outsider.post(f"/api/episodes/{episode.pk}/close/",
                         {"outcome": "other", "end_date": str(today())},
                         format="json").status_code == 404
    episode.refresh_from_db()
    assert episode.status == "open"
    assert client_for(world.analyst).get("/api/episodes/").json()["count"] == 0


def test_closing_needs_met_without_assessment_is_409_and_changes_nothing(world):
    episode = open_episode(world)
    response = client_for(world.worker).post(
        f"/api/episodes/{episode.pk}/close/", {"outcome": "needs_met", "end_date": str(today()),
                                               "version": episode.version},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "needs_met_without_assessment"
    episode.refresh_from_db()
    assert episode.status == "open"


def test_whole_journey_through_the_api(world):
    client = client_for(world.worker)
    episode = open_episode(world)
    episode_url = f"/api/episodes/{episode.pk}/"
    assert client.post(f"{episode_url}allocate/", {"lead_practitioner": str(world.worker.pk)},
                       format="json", HTTP_IF_MATCH=version_of(client, episode_url)
                       ).status_code == 200
    assert client.post(f"/api/episodes/{episode.pk}/taf-members/",
                       {"user": str(world.partner.pk), "joined_on": str(days_ago(50))},
                       format="json").status_code == 201
    started = client.post("/api/assessments/", {
        "episode": str(episode.pk), "started_on": str(days_ago(50)),
        "completing_organisation": str(world.school.pk)}, format="json")
    assert started.status_code == 201, started.json()
    assessment_id = started.json()["id"]
    saved = client.patch(f"/api/assessments/{assessment_id}/", {
        "version": started.json()["version"], "voice_of_child": "I want to go to football club",
        "entries": [{"person": str(world.child.pk), "domain": "development",
                     "needs": "Poor sleep", "strengths": "Kind"}]}, format="json")
    assert saved.status_code == 200, saved.json()
    need = client.post(f"/api/assessments/{assessment_id}/needs/", {
        "theme": str(world.themes[0].pk), "cin_factor": "3B", "baseline_score": 3},
        format="json")
    assert need.status_code == 201, need.json()
    early = client.post(f"/api/assessments/{assessment_id}/complete/",
                        {"completed_on": str(days_ago(51)), "version": saved.json()["version"]},
                        format="json")
    assert early.status_code == 400  # a date before what it follows: a field error
    assert "on or after the date the assessment started" in (
        early.json()["errors"]["completed_on"][0])
    done = client.post(f"/api/assessments/{assessment_id}/complete/",
                       {"completed_on": str(days_ago(40)), "version": saved.json()["version"]},
                       format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    plan = client.post("/api/plans/", {"episode": str(episode.pk),
                                       "started_on": str(days_ago(39))}, format="json")
    assert plan.status_code == 201, plan.json()
    action = client.post(f"/api/plans/{plan.json()['id']}/actions/", {
        "description": "Attend Freedom programme", "owner_name": "Mum",
        "due_date": str(days_ago(10))}, format="json")
    assert action.status_code == 201
    for held, score in ((30, 5), (5, 8)):
        review = client.post("/api/reviews/", {
            "episode": str(episode.pk), "held_on": str(days_ago(held)), "attendees": "Mum",
            "next_review_due": str(days_ago(held) + dt.timedelta(weeks=6)),
            "scores": [{"need": need.json()["id"], "score": score}]}, format="json")
        assert review.status_code == 201, review.json()
    # The action is still open: closing says so and changes nothing until told what happens.
    action_id = action.json()["id"]
    refused = client.post(f"/api/episodes/{episode.pk}/close/",
                          {"outcome": "needs_met", "end_date": str(today())}, format="json",
                          HTTP_IF_MATCH=version_of(client, episode_url))
    assert refused.status_code == 409 and refused.json()["code"] == "work_still_open"
    assert "Attend Freedom programme" in refused.json()["detail"]
    assert client.get(episode_url).json()["status"] == "open"
    closed = client.post(f"/api/episodes/{episode.pk}/close/",
                         {"outcome": "needs_met", "end_date": str(today()),
                          "actions": {action_id: "done"}}, format="json",
                         HTTP_IF_MATCH=version_of(client, episode_url))
    assert closed.status_code == 200 and closed.json()["closure_outcome"] == "needs_met"
    late = client.post("/api/reviews/", {"episode": str(episode.pk), "held_on": str(today()),
                                         "attendees": "Mum"}, format="json")
    assert late.status_code == 409
    detail = client.get(f"/api/episodes/{episode.pk}/").json()
    assert len(detail["reviews"]) == 2 and detail["plans"][0]["status"] == "ended"


def test_step_down_refused_while_open_then_allowed(world):
    episode = open_episode(world)
    client = client_for(world.worker)
    body = {"family": str(world.family.pk), "team": str(world.team.pk), "on": str(today()),
            "reason": "CIN closed after assessment", "from_episode": str(episode.pk)}
    assert client.post("/api/episodes/step-down/", body, format="json").status_code == 409
    assert client.post(f"/api/episodes/{episode.pk}/step-up/",
                       {"on": str(today()), "reason": "Risk escalated", "version": episode.version},
                       format="json").status_code == 201
    response = client.post("/api/episodes/step-down/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["route_in"] == "step_down"


def test_lists_are_paginated_to_at_most_100(world):
    for _ in range(3):
        open_episode(world, family=family_with_members())
    client = client_for(world.worker)
    page = client.get("/api/episodes/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(client.get("/api/episodes/?page_size=1000").json()["results"]) == 3
    from earlyhelp.api.pagination import Pagination

    assert Pagination.max_page_size == 100


def test_filters_narrow_lists(world):
    episode = open_episode(world)
    open_episode(world, family=family_with_members())
    client = client_for(world.worker)
    assert client.get(f"/api/episodes/?family={world.family.pk}").json()["count"] == 1
    assert client.get("/api/episodes/?status=closed").json()["count"] == 0
    assert client.get("/api/episodes/?unallocated=true").json()["count"] == 2
    assert client.get(f"/api/contacts/?family={episode.family_id}").status_code == 200


def test_reads_are_audited(world):
    episode = open_episode(world)
    client = client_for(world.worker)
    client.get(f"/api/episodes/{episode.pk}/")
    client.get("/api/episodes/?status=open")
    assert AuditEvent.objects.filter(user=world.worker, action="view",
                                     object_id=str(episode.pk)).exists()
    assert AuditEvent.objects.filter(user=world.worker, action="search",
                                     detail__contains="status=open").exists()


def test_match_people_needs_identifying_detail_and_reveals_little(world):
    client = client_for(world.partner)
    assert client.post("/api/contacts/match-people/", {"name": "Alex"},
                       format="json").status_code == 400
    child = world.child
    found = client.post("/api/contacts/match-people/", {
        "name": child.given_name, "date_of_birth": str(child.date_of_birth)}, format="json")
    assert found.status_code == 200
    # Not a family the partner works with: no ids, a token to name the person by.
    assert found.json()[0]["id"] is None and found.json()[0]["family_ids"] == []
    assert set(found.json()[0]) == {"id", "name", "date_of_birth", "postcode_district",
                                    "family_ids", "known_to_you", "note", "match"}


def test_schema_is_generated_without_errors(world):
    response = client_for(world.worker).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/contacts/", "/api/contacts/{id}/triage/", "/api/episodes/{id}/close/",
                 "/api/episodes/step-down/", "/api/assessments/{id}/complete/",
                 "/api/reviews/", "/api/caseload/"):
        assert path in paths


@pytest.mark.parametrize("name", ["caseload"])
def test_caseload_lists_the_users_open_episodes(world, name):
    episode = open_episode(world)
    client = client_for(world.worker)
    assert client.get(f"/api/{name}/").json()["count"] == 0
    assert client.post(f"/api/episodes/{episode.pk}/allocate/",
                       {"lead_practitioner": str(world.worker.pk), "version": episode.version},
                       format="json").status_code == 200
    assert client.get(f"/api/{name}/").json()["results"][0]["id"] == str(episode.pk)
