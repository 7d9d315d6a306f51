"""Query counts of the hot API reads are pinned: they must not grow with the data (no N+1)."""

import pytest
from rest_framework.test import APIClient

from earlyhelp.cases.services import episode_allocate, taf_member_add
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans.services import plan_action_add, plan_start
from earlyhelp.testing.journey import completed_assessment, open_episode, review
from earlyhelp.testing.world import days_ago


def busy_episode(world, family=None):
    episode = open_episode(world, family=family)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    for name in ("School nurse", "Housing officer"):
        taf_member_add(episode=episode, name=name, joined_on=days_ago(50),
                       acting_user=world.worker)
    _, need = completed_assessment(world, episode)
    plan = plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    for n in range(3):
        plan_action_add(plan=plan, description=f"Action {n}", owner_name="Mum",
                        due_date=days_ago(5), acting_user=world.worker)
    for held, score in ((30, 4), (10, 6)):
        review(world, episode, need, held_days_ago=held, score=score)
    return episode


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# Each read: the scoped fetch with its prefetches, and one INSERT of its audit row (the sealer
# chains it later; a read touches no shared row).
EPISODE_DETAIL_QUERIES = 8  # 9 with each plan's actions read to count the open ones; 14 before it read only what it shows
FAMILY_DETAIL_QUERIES = 3
CASELOAD_QUERIES = 3


@pytest.mark.parametrize("episodes", [1, 4])
def test_episode_detail_query_count_is_fixed(world, django_assert_num_queries, episodes):
    episode = busy_episode(world)
    for _ in range(episodes - 1):
        busy_episode(world, family=family_with_members(children=3))
    client = client_for(world.worker)
    with django_assert_num_queries(EPISODE_DETAIL_QUERIES):
        assert client.get(f"/api/episodes/{episode.pk}/").status_code == 200


def test_family_detail_query_count_is_fixed(world, django_assert_num_queries):
    busy_episode(world)
    client = client_for(world.worker)
    with django_assert_num_queries(FAMILY_DETAIL_QUERIES):
        assert client.get(f"/api/families/{world.family.pk}/").status_code == 200


@pytest.mark.parametrize("episodes", [1, 5])
def test_caseload_query_count_does_not_grow(world, django_assert_num_queries, episodes):
    busy_episode(world)
    for _ in range(episodes - 1):
        busy_episode(world, family=family_with_members())
    client = client_for(world.worker)
    with django_assert_num_queries(CASELOAD_QUERIES):
        response = client.get("/api/caseload/")
    assert response.json()["count"] == episodes
