"""Directory and panel pages in a real browser, with axe-core (WCAG 2.2 AA) on every page.

Skipped, loudly, without /usr/bin/chromium (see tests/browser/support.py). Signs in with a
session cookie made by Django's test client, so it does not depend on the sign-in pages."""

import datetime as dt

import pytest
from django.test import Client

from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory
from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.testing.journey import open_episode

from ..services.cases import panel_case_bring
from .factories import MeetingFactory, PanelFactory, PanelMemberFactory

# Transactional (the live server runs in another thread). pytest-django runs transactional
# tests after all the others, so the flush after them cannot remove data another test needs.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_public_directory_pages(checked_page, world):
    ServiceFactory(
        name="Family support",
        themes=world.themes,
        minimum_age=0,
        maximum_age=18,
        evidence_rating=4,
        waiting_days=10,
    )
    page = checked_page()
    page.goto("/directory/")
    assert page.heading() == "Find support services for families"
    page.fill("Age of the child or adult", "seven").click_button("Search")
    assert "Age must be a whole number" in page.error_summary()
    page.fill("Age of the child or adult", "7").click_button("Search")
    page.click_link("Family support")
    assert page.heading() == "Family support"


def test_staff_directory_and_panel_pages(checked_page, live_server, world):
    provider_org = OrganisationFactory(name="Family Action", type="voluntary", is_council=False)
    provider = UserFactory(
        username="provider", role=Role.PARTNER, team=None, organisation=provider_org
    )
    ServiceFactory(name="Family support", organisation=provider_org, themes=world.themes)
    episode = open_episode(world)
    from earlyhelp.assessments import services as assessments

    assessment = assessments.assessment_start(
        episode=episode,
        started_on=episode.start_date,
        completing_organisation=world.council,
        acting_user=world.worker,
    )
    assessments.presenting_need_add(
        assessment=assessment, theme=world.themes[0], baseline_score=3, acting_user=world.worker
    )

    worker = signed_in(checked_page(), live_server, world.worker)
    worker.goto(f"/directory/episodes/{episode.pk}/services/")
    worker.click_link("Refer to Family support")
    worker.click_button("Send referral")
    assert "Select who is being referred" in worker.error_summary()
    worker.choose("The whole family").fill(
        "What does the family need from this service?", "Help with routines"
    ).click_button("Send referral")
    assert worker.heading() == "Family support"
    worker.goto(f"/panels/episodes/{episode.pk}/bring/")

    referral = episode.referrals.get()
    provider_page = signed_in(checked_page(), live_server, provider)
    provider_page.goto("/directory/inbox/")
    provider_page.click_link(referral.reference)
    provider_page.click_button("Decline")
    assert "Select why the referral is declined" in provider_page.error_summary()

    panel = PanelFactory(name="Multi-agency group")
    meeting = MeetingFactory(panel=panel, date=dates.today() + dt.timedelta(days=3))
    chair = UserFactory(username="chair", role=Role.PANEL_MEMBER, team=None)
    PanelMemberFactory(panel=panel, user=chair, role="chair")
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="No lead after three weeks"
    )
    directory.referral_decline(referral=referral, acting_user=provider, reason="no_capacity")
    member = signed_in(checked_page(), live_server, chair)
    member.goto("/panels/")
    member.click_link("Multi-agency group")
    member.goto(f"/panels/meetings/{meeting.pk}/")
    member.goto(f"/panels/cases/{case.pk}/")
    member.click_button("Record decision")
    assert "Select what the panel decided" in member.error_summary()
    member.goto("/panels/actions/")
    member.goto("/panels/unmet-need/")
