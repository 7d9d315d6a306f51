"""In a real browser, axe-checked: a worker records a review with the family's rating, closes the
episode with closing scores, the family's view and satisfaction; the episode shows both ratings
side by side and the dashboard's "families who say things got better" counts it (issue 16)."""

import pytest

from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import build_world, days_ago

from .support import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _radio(page, name, value):
    page.page.locator(f"input[name='{name}'][value='{value}']").check()


def test_family_rating_walk(checked_page):
    world = build_world()
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    _, need = journey.completed_assessment(world, episode)
    plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    page = checked_page()
    sign_in(page, world.worker)
    page.goto(f"/episodes/{episode.pk}/")
    page.click_link("Record a review")
    held = days_ago(7)
    page.fill_date("id_held_on", held.day, held.month, held.year)
    page.fill("Who attended", "Mum\nKey worker")
    _radio(page, f"score_{need.pk}", 5)
    page.choose("Parent or carer")
    page.select(f"The family's rating: {need.theme.name}", "3")
    page.fill("In your own words, what has changed?", "Still hard at home")
    page.click_button("Save the review")
    assert "Review recorded" in page.page.content()

    page.click_link("Close the episode")
    page.choose("Needs met – outcomes achieved", exact=False)
    page.fill("Closure summary", "Outcomes achieved.")
    _radio(page, f"closing_{need.pk}", 8)
    page.choose("Young person")
    page.select(f"The family's rating: {need.theme.name}", "7")
    page.fill("In your own words, what has changed?", "We talk now")
    page.choose("Very satisfied")
    page.click_button("Continue")
    content = page.page.content()
    assert "Closing score 8" in content and "Very satisfied" in content
    page.click_button("Close the episode")
    assert Episode.objects.get(pk=episode.pk).status == "closed"
    content = page.page.content()
    assert "Practitioner and family ratings" in content
    assert "5 / 3" in content and "8 / 7" in content and "satisfaction 5 of 5" in content
    sign_out(page)

    sign_in(page, world.analyst)
    today = dates.today()
    page.goto(f"/insights/indicators/family_says_better/records/?period=month&date={today}")
    assert episode.reference in page.page.content()
