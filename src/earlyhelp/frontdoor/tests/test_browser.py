"""Triage in a real browser, as a front door worker, axe-core (WCAG 2.2 AA) on every page: the
request open at the top, the decision after it, on the shipped threshold model (the demo's)."""

import pytest
from django.test import Client

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import TriageDecision
from earlyhelp.testing.journey import raise_contact
from earlyhelp.thresholds.models import ThresholdModel
from earlyhelp.thresholds.reference import load_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page was 6,237 px tall here (5,600 px in issue 14) with the request collapsed; with the
# request open and the domains and secondary parts in details it is 3,372 px. The aim (under
# 2,800) is not reached yet: this pins what was.
MOST_PX = 3_400


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_a_front_door_worker_triages_with_the_request_open_on_a_short_page(
        checked_page, live_server, world):
    load_reference_data()  # the shipped models (flushed by transactional tests)
    model = ThresholdModel.objects.get(is_default=True)
    contact = raise_contact(world)
    page = signed_in(checked_page(), live_server, world.front_door)
    page.goto(f"/front-door/contacts/{contact.pk}/")
    page.click_link("Triage this request")
    page.goto(f"/front-door/contacts/{contact.pk}/triage/?model={model.slug}")
    assert page.heading() == "Triage"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    print(f"\ntriage page height on the shipped model ({model.name}): {height} px")
    # The request is open: its concerns are visible without a click.
    assert page.get_by_text(contact.concerns).first.is_visible()
    assert height <= MOST_PX, f"the triage page is {height} px tall"
    page.click_button("Record the decision")
    assert "Select the level of need" in page.error_summary()
    assert not TriageDecision.objects.exists()
