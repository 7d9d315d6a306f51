"""The self-assessment round in a real browser, axe-core (WCAG 2.2 AA) on every page: a manager
starts a round, a partner rates an element, the chair records a consensus below the target and
finds it on the action plan. Skipped, loudly, without /usr/bin/chromium (support.py)."""

import pytest
from django.test import Client

from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory
from earlyhelp.strategy.models import ActionItem, Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_a_round_as_chair_and_as_partner(checked_page, live_server, world):
    police = OrganisationFactory(name="Northshire Police", type="police")
    officer = UserFactory(username="officer", role=Role.PARTNER, team=None, organisation=police)
    chair = UserFactory(username="chair", role=Role.MANAGER, team=world.team,
                        first_name="Chris", last_name="Chair")
    today = dates.today()

    # A manager starts the round; a first try with gaps shows the error summary.
    page = signed_in(checked_page(), live_server, world.manager)
    page.goto("/strategy/")
    page.click_link("Start a round")
    page.click_button("Start the round")
    assert "Enter a name for the round" in page.error_summary()
    page.choose("Early intervention maturity matrix")
    page.fill("Name of the round", "Partnership self-assessment")
    page.select("Chair", "Chris Chair (Borough Council)")
    page.fill("Target level", "Established")
    page.fill_date("id_opens_on", today.day, today.month, today.year)
    page.fill_date("id_closes_on", today.day, today.month, today.year)
    page.choose("Northshire Police")
    page.choose("Oak Primary School")
    page.click_button("Start the round")
    assert page.heading() == "Partnership self-assessment"
    round_path = page.path
    page.close()

    # The partner rates one element for the police.
    page = signed_in(checked_page(), live_server, officer)
    page.goto(round_path)
    assert "Your organisation's ratings" in page.content()
    assert "Where partners agree and disagree" not in page.content()
    page.click_link("Rate Shared goals")
    page.click_button("Save rating")
    assert "Enter the evidence for your rating" in page.error_summary()
    page.choose("2. Developing")
    page.fill("Evidence", "Goals agreed by the police, not yet by schools")
    page.click_button("Save rating")
    assert page.heading() == "Partnership self-assessment"
    assert Rating.objects.get().level.name == "Developing"
    page.close()

    # The chair sees every partner's ratings and records a consensus below the target.
    page = signed_in(checked_page(), live_server, chair)
    page.goto(round_path)
    assert "Northshire Police: 2. Developing" in page.content()
    page.click_link("Record consensus for Shared goals")
    page.choose("2. Developing")
    page.fill("Why this level", "Schools have not signed up to the goals")
    page.click_button("Record consensus")
    assert "on the action plan" in page.content()
    assert "Consensus level by dimension" in page.content()
    assert ActionItem.objects.get().element.name == "Shared goals"
    page.goto("/strategy/plan/")
    assert "Shared goals: from Developing to Established" in page.content()
    page.click_link("Shared goals: from Developing to Established")
    assert page.heading() == "Change an action plan item"
    page.close()


def test_workforce_pages(checked_page, live_server, world, tmp_path):
    from earlyhelp.strategy.models import Course, RoleClass

    Course.objects.create(code="eha", name="Early help assessment", validity_months=36,
                          required_for=["high"])
    RoleClass.objects.create(job_title="Family support worker", contact="high")
    UserFactory(username="fsw", job_title="Family support worker", team=world.team)
    page = signed_in(checked_page(), live_server, world.manager)
    page.goto("/strategy/workforce/")
    assert "0.0%" in page.content()
    page.click_link("Import completions")
    bad = tmp_path / "bad.csv"
    bad.write_text("username,course,completed_on\nfsw,eha,31/02/2026\n")
    page.locator("#id_file").set_input_files(str(bad))
    page.click_button("Import")
    assert "Nothing was imported: 1 row has a problem" in page.error_summary()
    good = tmp_path / "good.csv"
    good.write_text(f"username,course,completed_on\nfsw,eha,{dates.today().isoformat()}\n")
    page.locator("#id_file").set_input_files(str(good))
    page.click_button("Import")
    assert page.heading() == "Workforce readiness"
    assert "100.0%" in page.content()
    page.close()
