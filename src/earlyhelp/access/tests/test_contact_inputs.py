"""Item 1 of issue 11: ids in a request for support resolve inside the caller's scope.

A family or person the caller cannot see is refused exactly as an id that does not exist, nothing
is written, and no name of a person whose record answers 404 comes back."""

import re
import uuid

import pytest
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Membership
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**overrides):
    data = {
        "source": "2A",
        "referrer_name": "Jo Lead",
        "concerns": "Attendance has dropped.",
        "family_consents_to_request": "yes",
        "family_consents_to_share": "yes",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hidden(world):
    """A household in another service's episode: nobody in the world's service sees it."""
    from earlyhelp.cases import services as cases
    from earlyhelp.testing.world import days_ago

    family = family_with_members(children=1, adults=1)
    cases.episode_step_down(family=family, team=world.other_team, on=days_ago(10),
                            reason="Closed by CSC", acting_user=world.other_worker)
    return family


def _refusals(world, user, hidden, payload_for):
    """POST with the hidden family's ids and with unknown ids: the same answer, nothing written."""
    client = client_for(user)
    child = hidden.memberships.filter(role="child").first().person
    before = (Contact.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    real = client.post("/api/contacts/", payload_for(hidden.pk, child.pk), format="json")
    after = (Contact.objects.count(), Membership.objects.count())
    fake = client.post("/api/contacts/", payload_for(uuid.uuid4(), uuid.uuid4()), format="json")
    return real, fake, before, after, child


@pytest.mark.parametrize("who", ["partner", "other_worker"])
def test_a_family_out_of_scope_is_refused_like_a_missing_one(world, hidden, who):
    user = getattr(world, who)
    if who == "other_worker":  # the other team sees `hidden`: use the world's family instead
        open_episode(world)
        hidden = world.family

    def payload(family_id, person_id):
        return body(family=str(family_id), new_members=[{
            "person": {"given_name": "Nia", "family_name": "Stranger",
                       "date_of_birth": "2015-01-01"},
            "role": "child"}])

    real, fake, before, after, _ = _refusals(world, user, hidden, payload)
    assert real.status_code == 400, real.content
    assert fake.status_code == 400
    assert _shape(real) == _shape(fake)
    assert after == before[:2]  # no contact, no membership added to their household


@pytest.mark.parametrize("who", ["partner", "other_worker"])
def test_people_out_of_scope_are_refused_and_their_names_never_echoed(world, hidden, who):
    user = getattr(world, who)
    if who == "other_worker":
        open_episode(world)
        hidden = world.family

    def payload(family_id, person_id):
        return body(people=[str(person_id)])

    real, fake, before, after, child = _refusals(world, user, hidden, payload)
    assert real.status_code == 400, real.content
    text = real.content.decode()
    assert child.given_name not in text and child.family_name not in text
    # Exactly the answer a made-up id gets (apart from the id itself).
    assert _shape(real) == _shape(fake)
    assert after == before[:2]


def _shape(response):
    """The body with ids blanked: two refusals that differ only in the id they name."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "X",
                  response.content.decode())


def test_a_worker_names_people_of_their_own_team_family(world):
    episode = open_episode(world)
    child = world.child
    response = client_for(world.worker).post(
        "/api/contacts/", body(family=str(episode.family_id), people=[str(child.pk)]),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["people"][0]["name"] == child.full_name
