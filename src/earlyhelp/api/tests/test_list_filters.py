"""List filters (django-filter FilterSets): the same filters narrow the same way, and a value
that cannot be read is a 400 naming the field – never ignored, never a 500."""

import pytest
from rest_framework.test import APIClient

from earlyhelp.cases.services import episode_allocate
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode, raise_contact
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def field_errors(body) -> dict:
    """The field messages of a 400 (under "errors" in the uniform error body)."""
    return body.get("errors", body)


def count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return response.json()["count"]


def test_episode_filters_narrow_the_list(world):
    led = open_episode(world)
    episode_allocate(episode=led, lead_practitioner=world.worker, acting_user=world.manager)
    open_episode(world, family=family_with_members())
    client = client_for(world.manager)
    assert count(client, "/api/episodes/") == 2
    assert count(client, f"/api/episodes/?lead_practitioner={world.worker.pk}") == 1
    assert count(client, f"/api/episodes/?team={led.team_id}") == 2
    assert count(client, "/api/episodes/?route_in=direct&status=open") == 2
    assert count(client, "/api/episodes/?unallocated=true") == 1
    assert count(client, "/api/episodes/?unallocated=1") == 1
    # "false" asks for nothing narrower (as before the FilterSet): every episode.
    assert count(client, "/api/episodes/?unallocated=false") == 2
    assert count(client, "/api/episodes/?status=&team=") == 2  # empty values: no filter


@pytest.mark.parametrize("query, field", [
    ("status=bogus", "status"),
    ("team=not-a-uuid", "team"),
    ("lead_practitioner=42", "lead_practitioner"),
    ("family=x", "family"),
    ("route_in=carrier_pigeon", "route_in"),
])
def test_a_bad_episode_filter_is_a_400_naming_the_field(world, query, field):
    open_episode(world)
    response = client_for(world.manager).get(f"/api/episodes/?{query}")
    assert response.status_code == 400
    errors = field_errors(response.json())
    assert list(errors) == [field] and errors[field][0]


def test_contact_filters_narrow_the_list(world):
    old = raise_contact(world, received_days_ago=20)
    raise_contact(world, family=family_with_members(), received_days_ago=2)
    Contact.objects.filter(pk=old.pk).update(is_re_referral=True)
    client = client_for(world.front_door)
    assert count(client, "/api/contacts/") == 2
    assert count(client, f"/api/contacts/?received_from={days_ago(5).isoformat()}") == 1
    assert count(client, f"/api/contacts/?received_to={days_ago(5).isoformat()}") == 1
    assert count(client, "/api/contacts/?is_re_referral=true") == 1
    assert count(client, "/api/contacts/?is_re_referral=1") == 1
    assert count(client, "/api/contacts/?is_re_referral=false") == 2
    assert count(client, f"/api/contacts/?family={old.family_id}") == 1
    assert count(client, f"/api/contacts/?source={old.source}&status={old.status}") >= 1


@pytest.mark.parametrize("query, field", [
    ("received_from=31/02/2026", "received_from"),
    ("received_to=yesterday", "received_to"),
    ("status=lost", "status"),
    ("source=ZZ", "source"),
])
def test_a_bad_contact_filter_is_a_400_naming_the_field(world, query, field):
    raise_contact(world)
    response = client_for(world.front_door).get(f"/api/contacts/?{query}")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == [field]


def test_family_filters_narrow_by_postcode_start_and_name(world):
    open_episode(world)  # the front door sees the family through its request
    client = client_for(world.front_door)
    everyone = count(client, "/api/families/")
    postcode = world.family.postcode
    assert count(client, f"/api/families/?postcode={postcode[:3].lower()}") >= 1
    assert count(client, f"/api/families/?name={world.family.name[:4]}") >= 1
    assert count(client, "/api/families/?name=nobody-is-called-this") == 0
    assert count(client, "/api/families/?postcode=%20") == everyone
