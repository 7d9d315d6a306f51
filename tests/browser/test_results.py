"""The results pages in a real browser, axe-core on every page: an analyst puts a family on
Supporting Families 2022–25 (a mistake first, answered by the error summary), adds a need and a
casework one, and checks the outcomes with no targeting run: the step-up is the evidence."""

import datetime as dt

import pytest
from django.test import Client

from earlyhelp.cases.models import Transition, TransitionKind
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.dates import long_date, today
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.results.models import ProgrammeFamily

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_an_analyst_builds_an_outcome_plan(checked_page, live_server, world):
    page = signed_in(checked_page(), live_server, world.analyst)
    page.goto("/results/")
    assert page.heading() == "Results for families"
    page.click_link("Supporting Families 2022–25")
    assert page.heading() == "Supporting Families 2022–25"
    page.fill("Family reference", "nobody").click_button("Add the family")
    assert "Enter the reference of a family you can see" in page.error_summary()
    assert "Enter the date the family joined" in page.error_summary()
    page.fill("Family reference", str(world.family.pk))
    page.fill_date("id_attached_on", 1, 1, 2025)
    page.click_button("Add the family")
    assert page.heading() == f"{world.family.name}: outcome plan"
    page.click_button("Add the need")
    assert "Select the need" in page.error_summary()
    page.choose("Safe from domestic abuse: No domestic abuse incident for six months")
    page.fill_date("id_identified_on", 1, 1, 2025)
    page.click_button("Add the need")
    assert ProgrammeFamily.objects.get(family=world.family).needs.count() == 1
    assert "Not checked" in page.content()
    # A casework measure, judged with no targeting run: a step-up a month ago.
    episode = EpisodeFactory(family=world.family, team=world.team, reference="EH-B16")
    stepped_up = today() - dt.timedelta(days=30)
    Transition.objects.create(kind=TransitionKind.STEP_UP, family=world.family, episode=episode,
                              date=stepped_up, reason="Risk rose", recorded_by=world.worker)
    page.choose("Children safe from abuse and exploitation: No step-up to children's social care "
                "for six months: no episode closed stepped up, no request for support referred "
                "to social care")
    page.fill_date("id_identified_on", 1, 1, 2025)
    page.click_button("Add the need")
    page.goto("/results/frameworks/sf-2022-25/")
    page.click_button("Check outcomes now")
    assert "Outcomes checked: 1 families" in page.content()
    page.click_link(world.family.name, exact=True)
    content = page.content()
    assert "Not judged: no agency records" in content  # domestic abuse: police records
    assert (f"Episode EH-B16 stepped up to children's social care on {long_date(stepped_up)}"
            in content)
