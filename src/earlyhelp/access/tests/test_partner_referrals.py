"""Item 2 of issue 11: raising a request never opens a family to the partner who raised it.

The partner sees their request, what they sent and the front door's decision; sight of the
family comes only from being lead practitioner or a TAF member, with consent."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.cases import services as cases
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import Contact
from earlyhelp.testing.journey import open_episode, triage_to_early_help
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _match(client, person):
    response = client.post(
        "/api/contacts/match-people/",
        {"name": person.full_name, "date_of_birth": str(person.date_of_birth)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def _raise_about(client, token):
    return client.post(
        "/api/contacts/",
        {
            "source": "2A",
            "referrer_name": "Jo Lead",
            "concerns": "Attendance has dropped.",
            "family_consents_to_request": "yes",
            "family_consents_to_share": "yes",
            "matched_people": [token],
        },
        format="json",
    )


@pytest.fixture
def known(world):
    """The world's family, already in early help (raised and triaged by the front door)."""
    open_episode(world, raised_by=world.front_door)
    return world.family


def test_match_people_gives_no_family_id_the_partner_cannot_see(world, known):
    client = client_for(world.partner)
    [found] = _match(client, world.child)
    assert found["name"] == world.child.full_name
    assert found["id"] is None and found["family_ids"] == []
    assert "front door will check" in found["note"]
    assert str(known.pk) not in str(found) and str(world.child.pk) not in str(found)
    assert found["match"]


def test_a_partner_raising_a_request_about_a_known_family_does_not_see_it(world, known):
    client = client_for(world.partner)
    [found] = _match(client, world.child)
    response = _raise_about(client, found["match"])
    assert response.status_code == 201, response.content
    sent = response.json()
    contact = Contact.objects.get(pk=sent["id"])
    assert contact.family_id == known.pk  # the request joins the family's record...
    assert [p.pk for p in contact.people.all()] == [world.child.pk]  # ...and nobody is doubled
    assert sent["family"] is None  # ...but the partner is not told which record
    assert sent["people"] == [{"person": None, "name": world.child.full_name, "is_subject": True}]
    assert str(known.pk) not in response.content.decode()
    # The family record stays closed to them, through every door.
    assert client.get(f"/api/families/{known.pk}/").status_code == 404
    assert client.get(f"/api/people/{world.child.pk}/").status_code == 404
    assert str(known.pk) not in client.get("/api/families/").content.decode()
    # Their request, what they sent and (once made) the decision stay visible.
    mine = client.get(f"/api/contacts/{contact.pk}/")
    assert mine.status_code == 200 and mine.json()["decision"] is None


def test_the_partner_sees_the_front_doors_decision_on_their_request(world):
    family = world.family
    from earlyhelp.testing.journey import raise_contact

    contact = raise_contact(world, family=family)  # raised by the partner
    triage_to_early_help(world, contact)
    client = client_for(world.partner)
    data = client.get(f"/api/contacts/{contact.pk}/").json()
    assert data["decision"]["outcome"] == "early_help"
    assert data["family"] is None
    assert client.get(f"/api/families/{family.pk}/").status_code == 404
    # Made a TAF member (consent to share stands): now the family opens.
    episode = contact.decision.episode
    cases.taf_member_add(episode=episode, user=world.partner, joined_on=days_ago(1),
                         acting_user=world.worker)
    assert client.get(f"/api/families/{family.pk}/").status_code == 200


def test_a_match_token_works_only_for_the_user_it_was_given_to(world, known):
    [found] = _match(client_for(world.partner), world.child)
    other = client_for(world.other_worker)
    response = _raise_about(other, found["match"])
    assert response.status_code == 400
    assert "matched_people" in response.content.decode()
    assert world.child.full_name not in response.content.decode()
    assert Contact.objects.count() == 1  # only the front door's own


def test_a_forged_match_token_is_refused(world, known):
    response = _raise_about(client_for(world.partner), "not-a-token")
    assert response.status_code == 400
    assert Contact.objects.count() == 1  # only the front door's own


def test_your_requests_page_lists_the_partners_requests_and_decisions(world):
    from earlyhelp.testing.journey import raise_contact

    contact = raise_contact(world)
    triage_to_early_help(world, contact)
    client = verified_login(Client(), world.partner)
    page = client.get(reverse("web:my_requests"))
    assert page.status_code == 200
    text = page.content.decode()
    assert contact.reference in text and "Early help" in text
    detail = client.get(reverse("web:contact_detail", kwargs={"contact_id": contact.pk}))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert reverse("web:family_detail", kwargs={"family_id": world.family.pk}) not in body
    family_page = client.get(reverse("web:family_detail", kwargs={"family_id": world.family.pk}))
    assert family_page.status_code == 404
