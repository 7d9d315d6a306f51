"""A child's chronology and significant notes in a real browser, with axe-core (WCAG 2.2 AA) on
every page: the worker marks a note significant, opens the child's chronology from the family
page and filters it to significant notes."""

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.cases import services as cases
from earlyhelp.cases.tests.pages import allocated_episode
from earlyhelp.core.testing.two_factor import verified_login

# Transactional (the live server runs in another thread).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_significant_note_on_a_childs_chronology(checked_page, live_server, world):
    episode = allocated_episode(world)
    cases.case_note_add(episode=episode, subject="Child seen alone", text="Said school is hard.",
                        acting_user=world.worker)
    child = world.child
    page = signed_in(checked_page(), live_server, world.worker)
    page.goto(reverse("web:notes", args=[episode.pk]))
    page.page.locator("button", has_text="Mark significant").first.click()
    page.check()
    banner = page.page.locator(".govuk-notification-banner").inner_text()
    assert "is now marked significant" in banner
    page.goto(reverse("web:family_detail", args=[world.family.pk]))
    page.click_link(f"Chronology of {child.full_name}")
    assert page.heading() == f"Chronology: {child.full_name}"
    assert "Early help episode opened" in page.page.locator("table").inner_text()
    page.select("Show", "Significant case notes").click_button("Show", exact=True)
    table = page.page.locator("table").inner_text()
    assert "Case note: Child seen alone" in table and "Early help episode opened" not in table
    assert not page.unchecked_pages()
