"""Free text has limits a practitioner never meets in honest use (issue 11, item 9): the API
answers 400 naming the field and the limit, pages a GOV.UK message saying it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.cases.models import CaseNote
from earlyhelp.core import limits
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import Contact
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_limits_are_the_documented_ones():
    assert (limits.NOTE, limits.TEXT, limits.SHORT) == (20_000, 10_000, 5_000)
    from earlyhelp.frontdoor.models import Contact

    assert Contact._meta.get_field("concerns").max_length == limits.TEXT
    assert CaseNote._meta.get_field("text").max_length == limits.NOTE


def test_concerns_over_the_limit_are_a_400_naming_field_and_limit(world):
    body = {
        "source": "2A", "referrer_name": "Jo Lead", "concerns": "x" * 11_000,
        "family_consents_to_request": "yes", "family_consents_to_share": "yes",
        "new_family": {"name": "Okafor household", "postcode": "EN5 2BB"},
        "new_members": [{"person": {"given_name": "Tomi", "family_name": "Okafor",
                                    "date_of_birth": "2016-04-03", "sex": "M"},
                         "role": "child"}],
    }
    response = client_for(world.partner).post("/api/contacts/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]["concerns"] == [
        "Concerns must be 10,000 characters or fewer"
    ]
    assert Contact.objects.count() == 0
    body["concerns"] = "x" * 10_000
    assert client_for(world.partner).post("/api/contacts/", body, format="json").status_code == 201


def test_a_note_over_the_limit_is_refused_and_one_at_it_kept(world):
    episode = open_episode(world)
    api = client_for(world.worker)
    url = f"/api/episodes/{episode.pk}/notes/"
    long = api.post(url, {"subject": "Visit", "text": "y" * 20_001}, format="json")
    assert long.status_code == 400
    assert "20,000 characters" in long.json()["errors"]["text"][0]
    assert api.post(url, {"subject": "Visit", "text": "y" * 20_000},
                    format="json").status_code == 201
    assert CaseNote.objects.get().text == "y" * 20_000


@pytest.mark.parametrize("field", ["summary", "voice_of_child", "family_view"])
def test_assessment_text_over_the_limit_is_a_400(world, field):
    episode = open_episode(world)
    api = client_for(world.worker)
    created = api.post(
        "/api/assessments/",
        {"episode": str(episode.pk), "started_on": days_ago(5).isoformat(),
         "completing_organisation": str(world.council.pk)},
        format="json",
    ).json()
    response = api.patch(f"/api/assessments/{created['id']}/",
                         {field: "z" * 1_000_000, "version": created["version"]}, format="json")
    assert response.status_code == 400
    assert "10,000 characters" in response.json()["errors"][field][0]


def test_pages_say_the_limit_in_the_govuk_way(world, client):
    episode = open_episode(world)
    verified_login(client, world.worker)
    response = client.post(
        reverse("web:note_add", args=[episode.pk]), {"subject": "Visit", "text": "n" * 20_001}
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Note must be 20,000 characters or fewer" in page
    assert CaseNote.objects.count() == 0


def test_request_for_support_page_says_the_concerns_limit(world):
    from earlyhelp.frontdoor.forms.requests import RequestDetailsForm

    form = RequestDetailsForm(data={"concerns": "c" * 10_001})
    assert not form.is_valid()
    assert form.errors["concerns"] == ["Concerns must be 10,000 characters or fewer"]
