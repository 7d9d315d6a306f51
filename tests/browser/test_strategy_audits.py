"""Case audits in a real browser, axe-core (WCAG 2.2 AA) on every page: a manager draws the
month's sample, the auditor grades it, the worker acknowledges the findings and an analyst
moderates a grade. Skipped, loudly, without /usr/bin/chromium (support.py)."""

import datetime as dt

import pytest
from django.test import Client

from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.strategy.models import AuditModeration, CaseAudit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_draw_grade_acknowledge_and_moderate(checked_page, live_server, world):
    month = dates.months_before(dates.today().replace(day=1), 1)
    for _ in range(2):
        AssessmentFactory(episode=EpisodeFactory(
            team=world.team, family=world.family, lead_practitioner=world.worker,
            start_date=month - dt.timedelta(days=40)),
            started_on=month - dt.timedelta(days=30), status="completed",
            completed_on=month + dt.timedelta(days=4), children=[])
    peer = UserFactory(username="peer", first_name="Pia", last_name="Peer", role=Role.WORKER)

    # The manager draws one record per team; a first try without an auditor is refused.
    page = signed_in(checked_page(), live_server, world.manager)
    page.goto("/strategy/audits/")
    page.click_link("Draw an audit sample")
    page.choose("Early help case audit")
    page.fill("Records to sample from each team", "1")
    page.fill("Random seed (optional)", "77")
    page.click_button("Draw the sample")
    assert "Select at least one auditor" in page.error_summary()
    page.choose("Pia Peer", exact=False)
    page.click_button("Draw the sample")
    assert page.heading() == f"Case audit {month:%B %Y}"
    assert "Random seed 77: drawing again with it gives this same sample." in page.locator(
        "main").inner_text()
    audit = CaseAudit.objects.get()
    assert audit.auditor == peer and audit.programme.seed == 77
    page.close()

    # The auditor grades it: a grade below good needs a comment.
    page = signed_in(checked_page(), live_server, peer)
    page.goto("/strategy/audits/")
    page.click_link(f"Assessment of {audit.episode.reference}")
    page.click_link("Grade this assessment")
    page.click_button("Save the grades")
    assert "Select a grade for “The child's voice is heard”" in page.error_summary()
    questions = list(audit.programme.tool.questions.exclude(applies_to="plan"))
    for question in questions:
        page.locator(f'input[name="grade_{question.pk}"][value="good"]').check()
    page.locator(f'input[name="grade_{questions[0].pk}"][value="inadequate"]').check()
    page.locator('input[name="grade"][value="good"]').check()
    page.click_button("Save the grades")
    assert "Enter a comment for “The child's voice is heard”" in page.error_summary()
    page.fill("Comments on “The child's voice is heard”", "Nothing in the child's words")
    page.click_button("Save the grades")
    assert "Findings" in page.content() and "Nothing in the child's words" in page.content()
    page.close()

    # The worker sees the findings and acknowledges them.
    page = signed_in(checked_page(), live_server, world.worker)
    page.goto("/strategy/audits/")
    page.click_link(f"Assessment of {audit.episode.reference}")
    page.fill("Your response (optional)", "Will record the children's views")
    page.click_button("Acknowledge the findings")
    assert "Will record the children's views" in page.content()
    page.close()

    # An analyst moderates the overall grade, with a reason; the old grade stays on record.
    page = signed_in(checked_page(), live_server, world.analyst)
    page.goto(f"/strategy/audits/{audit.pk}/")
    page.click_link("Moderate a grade")
    page.click_button("Change the grade")
    assert "Enter the reason for changing the grade" in page.error_summary()
    page.select("Grade to change", "Overall grade")
    page.choose("Requires improvement")
    page.fill("Reason for the change", "The child's voice is central: not good without it")
    page.click_button("Change the grade")
    assert "Good changed to Requires improvement" in page.content()
    assert AuditModeration.objects.get().old_grade == "good"
    page.close()
