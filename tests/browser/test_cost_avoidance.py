"""The cost avoidance pages in a real browser, axe-core on every page: an analyst asks for an
impossible period (answered by the error summary), then a real one, and reads the unit costs."""

import datetime as dt

import pytest

from earlyhelp.cases.models import Transition
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.results.costs.reference import load_unit_costs
from earlyhelp.results.models import UnitCost, UpratingIndex

from .test_results import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


def test_an_analyst_reads_cost_avoidance(checked_page, live_server, world):
    # A browser test's database is flushed between tests, data migrations' rows with it: load the
    # shipped illustrative unit costs again (only missing ones are created).
    load_unit_costs(UnitCost, UpratingIndex)
    episode = EpisodeFactory(team=world.team, start_date=D(2024, 3, 1), end_date=D(2024, 5, 31),
                             status="closed", closure_outcome="needs_met")
    Transition.objects.create(kind="step_up", family=episode.family, episode=episode,
                              date=D(2024, 1, 2), reason="Risk rose.", recorded_by=world.manager)
    page = signed_in(checked_page(), live_server, world.analyst)
    page.goto("/results/")
    page.click_link("Cost avoidance for closed episodes")
    assert page.heading() == "Cost avoidance"
    page.fill_date("id_closed_from", 1, 1, 2025).fill_date("id_closed_to", 1, 1, 2024)
    page.click_button("Show cost avoidance")
    assert "The last day must be on or after the first day" in page.error_summary()
    page.fill_date("id_closed_from", 1, 1, 2024).fill_date("id_closed_to", 31, 12, 2024)
    page.fill("Months before and after the work", "6")
    page.click_button("Show cost avoidance")
    assert "£515.00" in page.content() and "Regression to the mean" in page.content()
    page.click_link("unit costs")
    assert page.heading() == "Unit costs"
    assert "Illustrative" in page.content()
