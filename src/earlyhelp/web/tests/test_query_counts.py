"""Pinned query counts for the pages the speed target names: they must not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from earlyhelp.cases.services import case_note_add, episode_allocate
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db

# Session, user, the page's reads, one INSERT for the audit row (the sealer chains it later).
# The family timeline is one query (the page's rows with the count of all) whatever the
# household's history; each member's consent and other households come with the memberships.
# 7: session, user, the second factor's device, the family (its open episode joined to it,
# cases.selectors.OPEN_EPISODE), its members, the audit row, the timeline (6 on PostgreSQL,
# where the family's read writes the audit row) – a member's or person's column the page came
# to show without reading it would be read, deferred, in a query of its own. 8 while the open
# episode was a query of its own; 11 before; 22 with the chain head locked per read; the whole
# timeline was 24.
FAMILY_PAGE_MAX = 7
# Episode page: 18 before the page listed the episode's referrals (one query); 21 since it shows the
# practitioner's and the family's ratings side by side (the family's views with their ratings, and
# the closing scores: two queries, whatever the number of reviews); 20 since the needs come with
# their themes (and the plan's actions with their owners, where they have one); 16 since the
# focus children, TAF and transitions come in one query (JSON arrays), the assessment
# entries it never showed are not read, and an open episode asks for no closing scores; 8 since
# the episode, its lists, its work (assessments, plans, reviews and what hangs on them) and the
# family's ratings come in the one query that checks the scope (cases.selectors.episode_detail);
# 7 since: session, user, the second factor's device, the episode with all that, the audit row
# (written by the episode's read on PostgreSQL: 6 there), the latest notes, the referrals; 5
# since the latest notes and the referrals come in the episode's query too (cases.selectors.
# episode_page): session, user, device, the episode with all that, the audit row (4 on PostgreSQL)
EPISODE_PAGE_MAX = 5
CASELOAD_PAGE_MAX = 6  # was 12


def _busy_episode(world, family, reviews: int, notes: int):
    episode = journey.open_episode(world, family=family)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    _, need = journey.completed_assessment(world, episode)
    plan = plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    for n in range(reviews):
        plans.plan_action_add(
            plan=plan,
            description=f"Action {n}",
            owner_name="Mum",
            due_date=days_ago(1),
            acting_user=world.worker,
        )
        journey.review(world, episode, need, held_days_ago=30 - n, score=4 + n)
    for n in range(notes):
        case_note_add(
            episode=episode, subject=f"Visit {n}", text="Seen at home.", acting_user=world.worker
        )
    from earlyhelp.directory.services import referral_send
    from earlyhelp.directory.tests.factories import ServiceFactory

    for n in range(reviews):  # the referrals list: one query however many there are
        referral_send(episode=episode, service=ServiceFactory(), reason=f"Need {n}",
                      acting_user=world.worker)
    return episode


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_query_counts_do_not_grow_with_the_data(world, client):
    small = _busy_episode(world, world.family, reviews=1, notes=1)
    big = _busy_episode(world, family_with_members(children=4, adults=2), reviews=4, notes=6)
    verified_login(client, world.worker)
    client.get("/")  # warm the session
    for name, small_url, big_url, ceiling in [
        (
            "family",
            reverse("web:family_detail", args=[small.family_id]),
            reverse("web:family_detail", args=[big.family_id]),
            FAMILY_PAGE_MAX,
        ),
        (
            "episode",
            reverse("web:episode_detail", args=[small.pk]),
            reverse("web:episode_detail", args=[big.pk]),
            EPISODE_PAGE_MAX,
        ),
    ]:
        few, many = _count(client, small_url), _count(client, big_url)
        assert few == many, f"{name} page: {few} queries for a small family, {many} for a big one"
        assert many <= ceiling, f"{name} page: {many} queries (pinned at {ceiling})"
    caseload = _count(client, reverse("web:caseload"))
    assert caseload <= CASELOAD_PAGE_MAX


def test_pinned_with_pytest_django(world, client, django_assert_max_num_queries):
    episode = _busy_episode(world, world.family, reviews=2, notes=2)
    verified_login(client, world.worker)
    client.get("/")
    with django_assert_max_num_queries(FAMILY_PAGE_MAX):
        client.get(reverse("web:family_detail", args=[episode.family_id]))
    with django_assert_max_num_queries(EPISODE_PAGE_MAX):
        client.get(reverse("web:episode_detail", args=[episode.pk]))
    with django_assert_max_num_queries(CASELOAD_PAGE_MAX):
        client.get(reverse("web:caseload"))


def test_a_managers_pages_read_their_team_with_them(world, client, django_assert_max_num_queries):
    """A manager's scope reads their team's service: the user of each request comes with their
    team (core.security.backends), so a manager's family record costs what a worker's does –
    one query fewer than when the team was read apart."""
    episode = _busy_episode(world, world.family, reviews=2, notes=2)
    verified_login(client, world.manager)
    client.get("/")
    with django_assert_max_num_queries(FAMILY_PAGE_MAX) as queries:
        client.get(reverse("web:family_detail", args=[episode.family_id]))
    team_table = world.manager.team._meta.db_table
    assert not [q for q in queries.captured_queries if q["sql"].startswith(
        f'SELECT "{team_table}"')], "the team was read in a query of its own"
