"""`/api/caseload/?lead_practitioner=` is applied within scope or refused – never ignored."""

import uuid

from rest_framework.test import APIClient

from earlyhelp.cases import services as cases
from earlyhelp.core import dates
from earlyhelp.testing.journey import open_episode


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _led_by_worker(world):
    episode = open_episode(world)
    cases.episode_allocate(episode=episode, lead_practitioner=world.worker, on=dates.today(),
                           acting_user=world.manager)
    return episode


def test_a_manager_sees_their_team_members_caseload(world):
    episode = _led_by_worker(world)
    response = client_for(world.manager).get(f"/api/caseload/?lead_practitioner={world.worker.pk}")
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [str(episode.pk)]
    # Their own caseload (no filter) is not the worker's.
    assert client_for(world.manager).get("/api/caseload/").json()["count"] == 0


def test_another_workers_caseload_is_refused_not_ignored(world):
    _led_by_worker(world)
    for user, other in ((world.other_worker, world.worker), (world.worker, world.manager),
                        (world.partner, world.worker)):
        response = client_for(user).get(f"/api/caseload/?lead_practitioner={other.pk}")
        assert response.status_code == 400, (user, response.content)
        assert "lead_practitioner" in response.json().get("errors", response.json())


def test_a_manager_of_another_service_is_refused(world):
    from earlyhelp.core.models import Role
    from earlyhelp.core.tests.factories import UserFactory

    _led_by_worker(world)
    elsewhere = UserFactory(username="elsewhere", role=Role.MANAGER, team=world.other_team)
    response = client_for(elsewhere).get(f"/api/caseload/?lead_practitioner={world.worker.pk}")
    assert response.status_code == 400


def test_unknown_and_malformed_ids_get_the_same_400(world):
    client = client_for(world.manager)
    unknown = client.get(f"/api/caseload/?lead_practitioner={uuid.uuid4()}")
    malformed = client.get("/api/caseload/?lead_practitioner=nonsense")
    assert unknown.status_code == malformed.status_code == 400
    assert unknown.json() == malformed.json()


def test_naming_yourself_is_your_own_caseload(world):
    episode = _led_by_worker(world)
    response = client_for(world.worker).get(f"/api/caseload/?lead_practitioner={world.worker.pk}")
    assert [e["id"] for e in response.json()["results"]] == [str(episode.pk)]
