"""In a real browser, axe-checked on every page: a manager changes an episode's start date and
its focus children; the front door records a step-down bringing a new family (issue 12)."""

import pytest

from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_allocate
from earlyhelp.testing import journey
from earlyhelp.testing.world import build_world, days_ago

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_changes_start_date_and_focus_children(checked_page):
    world = build_world()
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    page = checked_page()
    sign_in(page, world.manager)
    page.goto(f"/episodes/{episode.pk}/")
    page.click_link("Change start date")
    earlier = days_ago(80)
    page.fill_date("id_start_date", earlier.day, earlier.month, earlier.year)
    page.click_button("Save the start date")
    assert "the date of the decision" in page.error_summary()
    good = days_ago(45)
    page.fill_date("id_start_date", good.day, good.month, good.year)
    page.click_button("Save the start date")
    assert page.heading().startswith("Early help episode")
    assert Episode.objects.get(pk=episode.pk).start_date == good
    page.click_link("Change focus children")
    first = episode.focus_children.order_by("given_name").first()
    page.click_link(f"End {first.full_name} as a focus child")
    page.click_button("Save")
    assert page.heading() == "Focus children"
    page.click_link("Add a focus child")
    page.choose(first.full_name)
    page.click_button("Add the focus child")
    assert "Current" in page.page.content()


def test_front_door_steps_down_a_new_family(checked_page):
    world = build_world()
    page = checked_page()
    sign_in(page, world.front_door)
    page.goto("/front-door/")
    page.click_link("Record a step-down from children's social care")
    page.click_button("Record the step-down")
    assert "Enter the household's name" in page.error_summary()
    page.fill("Household name", "The Mensah family")
    page.page.locator("#id_m1_given_name").fill("Kofi")
    page.page.locator("#id_m1_last_name").fill("Mensah")
    page.page.locator("#id_m1_role").select_option("child")
    page.page.locator("#id_m1_focus").check()
    page.page.locator("#id_m2_given_name").fill("Efua")
    page.page.locator("#id_m2_last_name").fill("Mensah")
    page.page.locator("#id_m2_role").select_option("parent_carer")
    page.fill("Why is the family being stepped down?", "Assessment closed; early help agreed.")
    page.click_button("Record the step-down")
    assert not page.error_summary()
    episode = Episode.objects.get(family__name="The Mensah family")
    assert [p.given_name for p in episode.focus_children.all()] == ["Kofi"]
