"""Caseload weighting as the team manager sees it: the team page's weighted loads against capacity
(the overloaded first) and the candidates' loads on the allocation page, each page axe-checked."""

from decimal import Decimal

import pytest

from earlyhelp.cases import state
from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_allocate
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing import journey
from earlyhelp.testing.world import build_world
from earlyhelp.worklists.models import WorkerCapacity

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_weighted_loads_and_allocates_with_them(checked_page):
    world = build_world()
    for _ in range(2):  # level 2 (1.00) + assessment due (0.50) + extra focus child (0.25) each
        episode = journey.open_episode(world, family=family_with_members(children=2))
        episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
        episode.focus_children.set([m.person for m in episode.family.memberships.all()
                                    if m.role == "child"])  # fmt: skip
        state.recount(Episode.objects.filter(pk=episode.pk))  # (set around the services)
    WorkerCapacity.objects.create(user=world.worker, capacity=Decimal("3.00"))
    waiting = journey.open_episode(world, family=family_with_members())

    page = checked_page()
    sign_in(page, world.manager)
    page.goto("/team/")
    rows = page.locator("[data-testid=caseloads] tbody tr")
    first = rows.nth(0).inner_text()
    assert world.worker.display_name in first
    assert "3.50" in first and "117%" in first and "Over capacity" in first
    assert world.manager.display_name in rows.nth(1).inner_text()
    page.page.get_by_text("How the load is weighted").click()
    assert page.page.get_by_text("Each focus child after the first").is_visible()

    page.goto(f"/episodes/{waiting.pk}/allocate/")
    loads = page.locator("[data-testid=candidate-loads]").inner_text()
    assert world.worker.display_name in loads and "3.50" in loads
