"""Query counts of the hot API reads are pinned: they must not grow with the data (no N+1)."""

import pytest
from rest_framework.test import APIClient

from earlyhelp.cases.services import episode_allocate, taf_member_add
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans.services import plan_action_add, plan_start
from earlyhelp.testing.journey import completed_assessment, open_episode, review
from earlyhelp.testing.world import days_ago


def busy_episode(world, family=None):
    return busy_episode_on(world, open_episode(world, family=family))


def busy_episode_on(world, episode):
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


def serialized_episode(user, episode_id) -> dict:
    """EpisodeOutput over ordinary prefetches: what the API's episode detail must equal."""
    from earlyhelp.access.scoping import visible_episodes
    from earlyhelp.cases.api import EpisodeOutput

    prefetched = visible_episodes(user).select_related(
        "family", "lead_practitioner"
    ).prefetch_related(
        "focus_children", "taf_members", "assessments", "plans__actions", "reviews",
        "transitions",
    ).get(pk=episode_id)
    return EpisodeOutput(prefetched).data


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# Each read: the scoped fetch with its prefetches, and one INSERT of its audit row (the sealer
# chains it later; a read touches no shared row) – on PostgreSQL the episode's INSERT rides in the
# read's own statement (core.audited_read, one round trip fewer; SQLite has no INSERT in a WITH).
# The scoped episode with its lists as JSON arrays in one statement (cases.selectors
# .episode_for_api): 3 with the lists a query of their own – one statement ran slower until its
# SQL's parse was kept (core.prepared.cursor) and the open actions found by plan –, 9 with one
# prefetch query per list, 14 before it read only what it shows.
EPISODE_DETAIL_QUERIES = {"postgresql": 1, "sqlite": 2}
# The family's row (with its view row, on PostgreSQL) and its members: the view row its own
# INSERT on SQLite.
FAMILY_DETAIL_QUERIES = {"postgresql": 2, "sqlite": 3}
CASELOAD_QUERIES = 3


@pytest.mark.parametrize("episodes", [1, 4])
def test_episode_detail_query_count_is_fixed(world, django_assert_num_queries, episodes):
    episode = busy_episode(world)
    for _ in range(episodes - 1):
        busy_episode(world, family=family_with_members(children=3))
    client = client_for(world.worker)
    from django.db import connection

    with django_assert_num_queries(EPISODE_DETAIL_QUERIES[connection.vendor]):
        assert client.get(f"/api/episodes/{episode.pk}/").status_code == 200


def test_family_detail_query_count_is_fixed(world, django_assert_num_queries):
    busy_episode(world)
    client = client_for(world.worker)
    from django.db import connection

    with django_assert_num_queries(FAMILY_DETAIL_QUERIES[connection.vendor]):
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


def test_episode_detail_shows_what_the_prefetched_rows_would(world):
    """The one-query read builds the same answer as the serializer over ordinary prefetches –
    every list, its order, dates, times, ids and the open actions' count – for an episode with
    a step-up, a step-down after it, TAF members, two plans' worth of actions and reviews."""
    import json

    from earlyhelp.cases import services as cases
    from earlyhelp.cases.selectors import family_children
    from earlyhelp.plans.models import PlanAction
    from earlyhelp.plans.services import plan_action_complete

    earlier = open_episode(world)
    cases.episode_step_up(episode=earlier, on=days_ago(58), reason="Risk rose",
                          acting_user=world.worker)
    children = list(family_children(family=world.family))
    assert children
    episode = cases.episode_step_down(
        family=world.family, team=world.team, on=days_ago(56), reason="CIN closed, RC9",
        from_episode=earlier, social_care_reference="SC-42", acting_user=world.worker,
        focus_children=children,
    )
    episode = busy_episode_on(world, episode)
    action = PlanAction.objects.filter(plan__episode=episode).order_by("description").first()
    plan_action_complete(action=action, completed_on=days_ago(1), acting_user=world.worker)
    response = client_for(world.worker).get(f"/api/episodes/{episode.pk}/")
    assert response.status_code == 200
    expected = json.loads(json.dumps(serialized_episode(world.worker, episode.pk), default=str))
    assert response.json() == expected
    assert [p["open_actions"] for p in response.json()["plans"]] == [2]
    assert len(response.json()["transitions"]) == 1 and len(response.json()["reviews"]) == 2
    assert len(response.json()["focus_children"]) == len(children)
    assert len(response.json()["taf_members"]) == 2
