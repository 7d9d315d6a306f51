"""The policy table (decision 0005): the rules where the doors used to disagree, refusals as
403s with a practitioner's message, the services checking first, templates asking the same."""


import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.access import policy
from earlyhelp.access.policy import Action, NotAllowed
from earlyhelp.cases import services as cases
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.testing.journey import open_episode, partner_joins_taf


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def episode(world):
    episode = open_episode(world)
    partner_joins_taf(world, episode)
    return episode


def test_who_may_allocate(world, episode):
    elsewhere_manager = UserFactory(username="m2", role=Role.MANAGER, team=world.other_team)
    allowed = {world.worker, world.manager}
    refused = {world.partner, world.front_door, world.other_worker, elsewhere_manager,
               world.analyst, world.admin}
    assert {u for u in allowed | refused if policy.can(u, Action.ALLOCATE, episode)} == allowed
    # The current lead, from any agency, may hand over.
    cases.episode_allocate(episode=episode, lead_practitioner=world.partner, on=dates.today(),
                           acting_user=world.worker)
    episode.refresh_from_db()
    assert policy.can(world.partner, Action.ALLOCATE, episode)


def test_who_may_be_made_lead(world, episode):
    stranger = UserFactory(username="p3", role=Role.PARTNER, team=None)
    response = client_for(world.manager).post(
        f"/api/episodes/{episode.pk}/allocate/",
        {"lead_practitioner": str(stranger.pk), "version": episode.version}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["lead_practitioner"]
    for candidate in (world.partner, world.worker, world.manager):  # TAF member, team staff
        assert policy.may_be_lead(candidate, episode)
    assert not policy.may_be_lead(world.other_worker, episode)  # another service's worker
    episode.refresh_from_db()
    assert episode.lead_practitioner is None


def test_consent_is_recorded_by_the_front_door_staff_and_the_lead_not_any_partner(world, episode):
    url = f"/api/people/{world.parent.pk}/consents/"
    body = {"kind": "engage", "status": "given", "decided_on": str(dates.today())}
    refused = client_for(world.partner).post(url, body, format="json")
    assert refused.status_code == 403
    assert "only the front door, early help staff and the lead practitioner" in (
        refused.content.decode()
    )
    for user in (world.front_door, world.worker):
        assert client_for(user).post(url, body, format="json").status_code == 201
    cases.episode_allocate(episode=episode, lead_practitioner=world.partner, on=dates.today(),
                           acting_user=world.worker)
    assert client_for(world.partner).post(url, body, format="json").status_code == 201


def test_the_api_and_the_page_refuse_in_scope_with_403_and_a_message(world, episode):
    response = client_for(world.partner).post(
        f"/api/episodes/{episode.pk}/close/",
        {"outcome": "needs_met", "end_date": str(dates.today())}, format="json")
    assert response.status_code == 403
    assert "You cannot close an episode" in response.content.decode()
    page = verified_login(Client(), world.partner).get(reverse("web:close", args=[episode.pk]))
    assert page.status_code == 403
    # Out of scope is still a 404, never a 403.
    other = client_for(world.other_worker).post(
        f"/api/episodes/{episode.pk}/close/",
        {"outcome": "needs_met", "end_date": str(dates.today())}, format="json")
    assert other.status_code == 404


def test_services_check_the_policy_first(world, episode):
    with pytest.raises(NotAllowed, match="write case notes"):
        cases.case_note_add(episode=episode, subject="x", text="y", acting_user=world.partner)
    with pytest.raises(NotAllowed):
        cases.episode_close(episode=episode, outcome="needs_met", end_date=dates.today(),
                            acting_user=world.other_worker)
    from earlyhelp.cases.models import CaseNote

    assert not CaseNote.objects.filter(episode=episode).exists()


def test_buttons_show_only_when_the_policy_allows(world, episode):
    url = reverse("web:episode_detail", args=[episode.pk])
    allocate = reverse("web:episode_allocate", args=[episode.pk])
    close = reverse("web:close", args=[episode.pk])
    worker_page = verified_login(Client(), world.worker).get(url).content.decode()
    assert allocate in worker_page and close in worker_page
    partner_page = verified_login(Client(), world.partner).get(url).content.decode()
    assert allocate not in partner_page and close not in partner_page


def test_every_role_set_has_one_home():
    """The role groups live in access.roles; the guards in access.permissions name none of
    their own (they used to re-export three under other names)."""
    from earlyhelp.access import permissions, roles

    role_sets = {
        name for name, value in vars(permissions).items()
        if isinstance(value, (set, frozenset)) and value and value <= set(Role)
    }
    assert role_sets == set()
    assert all(isinstance(g, frozenset) for g in (roles.RAISE_REQUEST, roles.TRIAGE))
