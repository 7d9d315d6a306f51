"""Caseload weighting: hand-computed loads, weights as data, capacity, order and query count."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.cases import state
from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_allocate
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing import journey
from earlyhelp.worklists import selectors
from earlyhelp.worklists.models import CaseloadWeights, WorkerCapacity
from earlyhelp.worklists.rules import Load, episode_weight

pytestmark = pytest.mark.django_db


def _led(world, *, lead, rank, children, family=None):
    """An open episode led by `lead` at level `rank` with `children` focus children."""
    family = family or family_with_members(children=3, adults=1)
    episode = journey.open_episode(world, family=family)
    episode_allocate(episode=episode, lead_practitioner=lead, acting_user=world.manager)
    kids = [m.person for m in family.memberships.filter(role="child")][:children]
    episode.focus_children.set(kids)  # around the services: the stored counts follow
    state.recount(Episode.objects.filter(pk=episode.pk))
    Episode.objects.filter(pk=episode.pk).update(level=world.level(rank))
    return episode


@pytest.fixture
def loaded(world):
    """The worker leads two episodes, by hand:
    A: level 2 (early help) 1.00 + one extra child 0.25 + assessment not completed 0.50 = 1.75
    B: level 3 (targeted) 1.50 + no extra child + assessment completed with one complex need
       (dv) 0.50                                                                          = 2.00
    load 3.75 over 2 episodes."""
    _led(world, lead=world.worker, rank=2, children=2)
    b = _led(world, lead=world.worker, rank=3, children=1)
    journey.completed_assessment(world, b)
    return world


def test_rule_adds_level_children_stage_and_complexity():
    weights = CaseloadWeights()
    assert episode_weight(
        weights, band="early_help", focus_children=1, assessment_done=True, complex_needs=0
    ) == Decimal("1.00")
    # statutory 2 + two extra children 0.5 + assessment due 0.5 + two complex needs 1.0
    assert episode_weight(
        weights, band="statutory", focus_children=3, assessment_done=False, complex_needs=2
    ) == Decimal("4.00")
    # no level recorded, no focus child recorded: the no-level weight, nothing negative
    assert episode_weight(
        weights, band=None, focus_children=0, assessment_done=True, complex_needs=0
    ) == Decimal("1.00")
    assert episode_weight(
        weights, band="universal", focus_children=1, assessment_done=True, complex_needs=0
    ) == Decimal("0.50")


def test_load_against_capacity():
    assert Load(count=2, weighted=Decimal("3.75"), capacity=Decimal("3")).percent == 125
    assert Load(count=2, weighted=Decimal("3.75"), capacity=Decimal("3")).over
    assert not Load(count=5, weighted=Decimal("18"), capacity=Decimal("18")).over


def test_worker_loads_by_hand(loaded):
    world = loaded
    loads = selectors.worker_loads(user=world.manager, workers=[world.worker, world.manager])
    assert loads[world.worker.pk] == Load(2, Decimal("3.75"), Decimal("18.00"))
    assert loads[world.manager.pk] == Load(0, Decimal(0), Decimal("18.00"))


def test_weights_and_capacity_are_data(loaded):
    world = loaded
    CaseloadWeights.objects.create(early_help=Decimal("2.00"), complex_need_codes=[])
    WorkerCapacity.objects.create(user=world.worker, capacity=Decimal("3.00"), note="0.2 FTE")
    load = selectors.worker_loads(user=world.manager, workers=[world.worker])[world.worker.pk]
    # A: 2.00 + 0.25 + 0.50; B: 1.50 (dv no longer counted complex) = 4.25 against 3.00
    assert load == Load(2, Decimal("4.25"), Decimal("3.00"))
    assert load.over and load.percent == 142


def test_closed_and_other_scope_episodes_do_not_count(loaded):
    world = loaded
    # The other worker's episode is in another service: outside the manager's scope and team.
    loads = selectors.worker_loads(user=world.worker, workers=[world.worker])
    assert loads[world.worker.pk].count == 2
    stranger = UserFactory(username="stranger", role="worker", team=world.other_team)
    assert selectors.worker_loads(user=world.manager, workers=[stranger])[stranger.pk].count == 0


def test_team_page_shows_the_overloaded_first(loaded, client):
    world = loaded
    light = UserFactory(
        username="light", first_name="Aaron", last_name="Aardvark", role="worker", team=world.team
    )
    _led(world, lead=light, rank=1, children=1)  # 0.5 + 0.5 assessment due = 1.00
    WorkerCapacity.objects.create(user=world.worker, capacity=Decimal("3.00"))
    verified_login(client, world.manager)
    html = unescape(client.get(reverse("web:team")).content.decode())
    table = html[html.index('data-testid="caseloads"') :]
    worker_at = table.index(world.worker.display_name)
    assert worker_at < table.index(light.display_name) < table.index(world.manager.display_name)
    assert "3.75" in table and "125%" in table and "Over capacity" in table
    assert "How the load is weighted" in html


def test_team_loads_query_count_does_not_grow(world, django_assert_num_queries):
    _led(world, lead=world.worker, rank=2, children=1)
    manager = type(world.manager).objects.select_related("team").get(pk=world.manager.pk)

    def count():
        with django_assert_num_queries(3):  # workers with capacities, weights, episodes
            return selectors.team_loads(user=manager)

    assert sum(w.load.count for w in count()) == 1
    for n in range(3):
        extra = UserFactory(username=f"extra{n}", role="worker", team=world.team)
        WorkerCapacity.objects.create(user=extra, capacity=Decimal("9"))
        _led(world, lead=extra, rank=3, children=2)
        _led(world, lead=world.worker, rank=1, children=1)
    assert sum(w.load.count for w in count()) == 7


def test_allocation_page_shows_candidates_loads(loaded, client):
    world = loaded
    episode = journey.open_episode(world, family=family_with_members())
    verified_login(client, world.manager)
    html = unescape(client.get(reverse("web:episode_allocate", args=[episode.pk])).content.decode())
    table = html[html.index('data-testid="candidate-loads"') : html.index("</table>")]
    assert world.worker.display_name in table and "3.75" in table


def test_grouped_loads_equal_the_rule_summed_episode_by_episode(world):
    """The load is summed in the database from per-worker counts (selectors._weighted): it
    must equal episode_weight added up episode by episode, for every term of the rule – no
    level, no focus child (nothing negative), several extra children, complex needs – and for
    weights an administrator changed."""
    CaseloadWeights.objects.create(
        universal=Decimal("0.75"), each_extra_child=Decimal("0.40"),
        assessment_stage=Decimal("0.35"), complex_need=Decimal("0.60"), no_level=Decimal("1.10"),
    )  # fmt: skip
    weights = CaseloadWeights.current()
    none_level = _led(world, lead=world.worker, rank=2, children=0)
    Episode.objects.filter(pk=none_level.pk).update(level=None)
    _led(world, lead=world.worker, rank=1, children=3)
    done = _led(world, lead=world.worker, rank=4, children=2)
    journey.completed_assessment(world, done)
    by_hand = Decimal(0)
    for episode in Episode.objects.filter(lead_practitioner=world.worker, status="open"):
        assessment = episode.assessments.filter(status="completed").first()
        complex_needs = (
            assessment.presenting_needs.filter(theme__code__in=weights.complex_need_codes).count()
            if assessment else 0
        )  # fmt: skip
        by_hand += episode_weight(
            weights, band=episode.level.band if episode.level else None,
            focus_children=episode.focus_children.count(),
            assessment_done=assessment is not None, complex_needs=complex_needs,
        )  # fmt: skip
    load = selectors.worker_loads(user=world.manager, workers=[world.worker])[world.worker.pk]
    assert load.count == 3
    assert load.weighted == by_hand and by_hand > 0


def test_team_page_queries_do_not_grow_with_workers_or_episodes(world, client):
    """The team page reads every worker's load in one grouped query: a query per worker (or per
    episode) coming back fails here."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _led(world, lead=world.worker, rank=2, children=1)
    verified_login(client, world.manager)
    client.get("/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("web:team")).status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        extra = UserFactory(username=f"more{n}", role="worker", team=world.team)
        WorkerCapacity.objects.create(user=extra, capacity=Decimal("9"))
        _led(world, lead=extra, rank=3, children=2)
        _led(world, lead=extra, rank=1, children=1)
    assert count() == few == TEAM_PAGE_QUERIES


# Session, user with their team, two-factor device, the weights, the workers with their
# capacities, the grouped episodes, the front door's queue counts (14 before: four counts each
# over the scope, workers with a count of every episode they ever led, episodes one by one;
# 9 before the capacities came with the workers; 8 before the user came with their team,
# core.security.backends).
TEAM_PAGE_QUERIES = 7
