"""In a real browser, axe-checked: the episode lists its referral; closing asks what happens to
the open action and the running referral, shows the answers to check, then closes (issue 14)."""

import pytest

from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import build_world, days_ago

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closure_walk(checked_page):
    world = build_world()
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    journey.completed_assessment(world, episode)
    plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    plans.plan_action_add(plan=plan, description="Mentoring", owner_name="Sam",
                          due_date=dates.today(), acting_user=world.worker)
    directory.referral_send(episode=episode, service=ServiceFactory(name="Parents First"),
                            reason="Parenting", acting_user=world.worker)
    page = checked_page()
    sign_in(page, world.worker)
    page.goto(f"/episodes/{episode.pk}/")
    assert "Parents First" in page.page.content()
    page.click_link("Close the episode")
    page.choose("Needs met – outcomes achieved", exact=False)
    page.fill("Closure summary", "Done.")
    page.click_button("Continue")
    assert "Say what happens to the action 'Mentoring'" in page.error_summary()
    page.choose("Done – it was completed")
    page.choose("Withdraw the referral")
    page.click_button("Continue")
    assert "Referral: Parents First" in page.page.content()
    page.click_button("Close the episode")
    assert Episode.objects.get(pk=episode.pk).status == "closed"
