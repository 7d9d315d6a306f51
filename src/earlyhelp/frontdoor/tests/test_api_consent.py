"""Consent through the API: who answered for the family becomes each covered person's consent
record, by the same rule and service as the pages; bad combinations are 400s with nothing
written."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from earlyhelp.core.dates import today
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Consent, Person
from earlyhelp.testing.journey import open_episode


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def born(years_ago: int, days: int = 0) -> str:
    on = today()
    return (on.replace(year=on.year - years_ago) - dt.timedelta(days=days)).isoformat()


def body(**overrides):
    data = {
        "source": "2A", "referrer_name": "Jo Lead", "concerns": "Attendance has dropped.",
        "family_consents_to_request": "yes", "family_consents_to_share": "yes",
        "new_family": {"name": "Okafor household", "postcode": "en5 2bb"},
        "new_members": [
            {"person": {"given_name": "Tomi", "family_name": "Okafor",
                        "date_of_birth": born(10), "sex": "M"}, "role": "child"},
            {"person": {"given_name": "Ada", "family_name": "Okafor",
                        "date_of_birth": born(17), "sex": "F"}, "role": "child"},
            {"person": {"given_name": "Grace", "family_name": "Okafor",
                        "date_of_birth": "1985-09-12", "sex": "F"}, "role": "parent_carer",
             "is_subject": False},
        ],
        "consent_given_by_new_member": 2, "consent_parental_responsibility": True,
        "consent_given_on": today().isoformat(),
        "consent_share_with": "School, GP and the early help service",
    }
    data.update(overrides)
    return data


def given_with_request():
    # the world's family has consents of its own, recorded without a giver
    return Consent.objects.exclude(given_by="")


def consents():
    return {(c.person.given_name, c.kind, c.status, c.given_by, c.scope)
            for c in given_with_request().select_related("person")}


def post(user, data):
    return client_for(user).post("/api/contacts/", data, format="json")


def test_a_parent_answering_covers_the_younger_child_and_herself_not_the_17_year_old(world):
    response = post(world.partner, body())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["consent_given_by"] == "Grace Okafor"
    assert data["consent_given_on"] == today().isoformat()
    assert data["consent_share_with"] == "School, GP and the early help service"
    share = "School, GP and the early help service"
    assert consents() == {
        ("Tomi", "engage", "given", "Grace Okafor", ""),
        ("Tomi", "share", "given", "Grace Okafor", share),
        ("Grace", "engage", "given", "themselves", ""),
        ("Grace", "share", "given", "themselves", share),
    }


def test_someone_else_with_parental_responsibility_answers_for_the_children(world):
    data = body(consent_given_by_new_member=None,
                consent_given_by_name="Sam Okafor, grandmother (special guardianship order)",
                consent_parental_responsibility=None, family_consents_to_share="no",
                consent_share_with="")
    response = post(world.front_door, data)
    assert response.status_code == 201, response.json()
    assert consents() == {
        ("Tomi", "engage", "given", "Sam Okafor, grandmother (special guardianship order)", ""),
        ("Tomi", "share", "refused", "Sam Okafor, grandmother (special guardianship order)", ""),
    }


def test_an_existing_person_answers_by_id(world):
    open_episode(world)  # the worker's team works with the family: its people are in scope
    parent = world.parent
    data = body(family=str(world.family.pk), new_family=None, new_members=[],
                people=[str(p.pk) for p in Person.objects.filter(memberships__family=world.family)],
                consent_given_by_new_member=None, consent_given_by_person=str(parent.pk))
    del data["new_family"]
    response = post(world.worker, data)
    assert response.status_code == 201, response.json()
    answered = {name for name, *_ in consents()}
    assert parent.given_name in answered


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"consent_given_by_new_member": 0}, "consent_given_by_new_member", "too young"),
    ({"consent_given_by_new_member": 7}, "consent_given_by_new_member", "no new member 7"),
    ({"consent_given_by_person": "8a7b1f0e-0000-4000-8000-000000000001"},
     "consent_given_by_new_member", "Give one person"),
    ({"consent_given_by_new_member": None,
      "consent_given_by_person": "8a7b1f0e-0000-4000-8000-000000000001"},
     "consent_given_by_person", "not one of"),
    ({"consent_given_on": (today() + dt.timedelta(days=1)).isoformat()},
     "consent_given_on", "today or in the past"),
    ({"consent_given_on": None}, "consent_given_on", "Enter the date"),
    ({"consent_parental_responsibility": None}, "consent_parental_responsibility",
     "parental responsibility"),
    ({"consent_share_with": ""}, "consent_share_with", "shared with"),
    ({"consent_given_by_new_member": None, "consent_given_by_name": "A neighbour",
      "consent_parental_responsibility": False}, "consent_parental_responsibility",
     "only with parental"),
    ({"consent_given_by_new_member": None}, "consent_given_by_person", "who answered"),
    ({"family_consents_to_request": "not_asked", "family_consents_to_share": "not_asked"},
     "consent_given_by_new_member", "not asked"),
])
def test_bad_combinations_are_400s_with_field_messages_and_nothing_written(
        world, overrides, field, words):
    response = post(world.partner, body(**overrides))
    assert response.status_code == 400, response.json()
    error = response.json()
    assert error["status"] == 400
    assert words in " ".join(error["errors"][field]), error
    assert Contact.objects.count() == 0 and not given_with_request().exists()
    assert not Person.objects.filter(given_name="Grace").exists()


def test_a_child_of_12_may_answer_for_herself_only(world):
    data = body()
    data["new_members"][0]["person"]["date_of_birth"] = born(12)
    data.update(consent_given_by_new_member=0, consent_parental_responsibility=False)
    response = post(world.partner, data)
    assert response.status_code == 201, response.json()
    assert {name for name, *_ in consents()} == {"Tomi"}


def test_without_a_giver_no_consent_record_is_made(world):
    data = body(consent_given_by_new_member=None, consent_parental_responsibility=None,
                consent_given_on=None, consent_share_with="")
    response = post(world.partner, data)
    assert response.status_code == 201, response.json()
    assert not given_with_request().exists()


def test_someone_who_may_not_raise_requests_is_refused_and_nothing_is_written(world):
    response = post(world.analyst, body())
    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert Contact.objects.count() == 0 and not given_with_request().exists()


def test_the_api_asks_for_a_word_before_early_help_at_a_universal_level(world):
    from earlyhelp.frontdoor.models import TriageDecision
    from earlyhelp.testing.journey import raise_contact

    contact = raise_contact(world)
    triage = {
        "outcome": "early_help", "threshold_model": str(world.model.pk),
        "indicators": [str(world.indicator(1).pk)], "level": str(world.level(1).pk),
        "rag": "green", "rationale": "Low needs", "routed_team": str(world.team.pk),
    }
    client = client_for(world.front_door)
    url = f"/api/contacts/{contact.pk}/triage/"
    refused = client.post(url, triage, format="json")
    assert refused.status_code == 400
    assert "universal services meet" in refused.json()["errors"]["universal_reason"][0]
    assert not TriageDecision.objects.exists()
    ok = client.post(url, {**triage, "universal_reason": "Young carer"}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["universal_reason"] == "Young carer"
