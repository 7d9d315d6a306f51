"""In a real browser, axe-checked: from the episode to the services for the family (issue 14).

The family lives with domestic abuse (scored 2, serious) and a parent's mental health (scored 6).
The specialist domestic abuse service comes first although it has the longest wait, and couples
counselling – unsafe where there is domestic abuse – is not offered at all."""

import pytest

from earlyhelp.assessments import services as assessments
from earlyhelp.cases.services import episode_allocate
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.testing import journey
from earlyhelp.testing.world import build_world, days_ago

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_services_for_a_family_living_with_domestic_abuse(checked_page):
    world = build_world()
    dv, mh = world.themes
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    assessment = assessments.assessment_start(
        episode=episode, started_on=days_ago(20), completing_organisation=world.council,
        acting_user=world.worker,
    )
    for theme, score in ((dv, 2), (mh, 6)):
        assessments.presenting_need_add(
            assessment=assessment, theme=theme, baseline_score=score, acting_user=world.worker
        )
    ServiceFactory(name="Domestic abuse outreach", themes=[dv], waiting_days=30)
    ServiceFactory(name="Talking therapies", themes=[mh], waiting_days=2)
    ServiceFactory(name="Couples counselling", themes=[mh], unsafe_with=[dv], waiting_days=1)

    page = checked_page()
    sign_in(page, world.worker)
    page.goto(f"/episodes/{episode.pk}/")
    page.click_link("Find services for this family")
    rows = page.page.locator("table").first.locator("tbody tr").all_inner_texts()
    assert [row.split("\t")[1].splitlines()[0] for row in rows] == [
        "Domestic abuse outreach",
        "Talking therapies",
    ]
    assert "1 of 2: domestic violence (scored 2)" in rows[0]
    assert "1 of 2: mental health (scored 6)" in rows[1]
    assert "Couples counselling" not in page.page.content()
    assert "Services not safe for one of these needs are left out" in page.page.content()
