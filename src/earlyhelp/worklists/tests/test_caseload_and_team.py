import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def _allocated(world, family=None):
    episode = journey.open_episode(world, family=family)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    return episode


def test_caseload_shows_what_is_due(world, client):
    overdue = _allocated(world)  # started ~59 days ago, no assessment: overdue at 45 days
    reviewed = _allocated(world, family=family_with_members())
    # A plan follows the assessment it is built from: both on day 58, the review the day after.
    _, need = journey.completed_assessment(world, reviewed, started_days_ago=58,
                                           completed_days_ago=58)
    plans.plan_start(episode=reviewed, started_on=days_ago(58), acting_user=world.worker)
    journey.review(world, reviewed, need, held_days_ago=57, score=5)  # next due 8 weeks on
    verified_login(client, world.worker)
    html = text(client.get(reverse("web:caseload")))
    assert "2 open episodes" in html
    assert overdue.reference in html and reviewed.reference in html
    assert html.count("Overdue") == 2  # one assessment, one review
    home = text(client.get("/"))
    assert "Your caseload" in home or "Action needed" in home


def test_manager_queues_link_to_the_work(world, client):
    unallocated = journey.open_episode(world)
    verified_login(client, world.manager)
    page = text(client.get(reverse("web:team")))
    assert "unallocated episodes" in page and world.worker.display_name in page
    queue = text(client.get(reverse("web:team_queue", args=["unallocated"])))
    assert reverse("web:episode_allocate", args=[unallocated.pk]) in queue
    for name in ("assessments-overdue", "reviews-overdue", "actions-past-due"):
        assert client.get(reverse("web:team_queue", args=[name])).status_code == 200
    assert client.get(reverse("web:team_queue", args=["nonsense"])).status_code == 404
    worker_page = client.get(reverse("web:worker_caseload", args=[world.worker.pk]))
    assert f"Caseload of {world.worker.display_name}" in text(worker_page)


def test_only_managers_see_the_team_and_other_caseloads(world, client):
    verified_login(client, world.worker)
    assert client.get(reverse("web:team")).status_code == 403
    assert client.get(reverse("web:worker_caseload", args=[world.manager.pk])).status_code == 403
    verified_login(client, world.manager)  # a worker of another service is not theirs to open
    response = client.get(reverse("web:worker_caseload", args=[world.other_worker.pk]))
    assert response.status_code == 404


def test_actions_past_due_queue(world, client):
    episode = _allocated(world)
    _, need = journey.completed_assessment(world, episode)
    plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    plans.plan_action_add(
        plan=plan,
        description="Book the GP",
        owner_name="Mum",
        due_date=days_ago(3),
        acting_user=world.worker,
    )
    verified_login(client, world.manager)
    html = text(client.get(reverse("web:team_queue", args=["actions-past-due"])))
    assert "Book the GP" in html and (dates.today() - dt.timedelta(days=3)).strftime("%B") in html


def test_start_page_caseload_summary_counts_what_the_caseload_page_marks(world):
    """The start page counts in the database (issue 19) what the caseload page marks row by row."""
    from earlyhelp.worklists import selectors as worklists

    overdue = _allocated(world)  # no assessment after ~59 days: overdue
    planned = _allocated(world, family=family_with_members())
    journey.completed_assessment(world, planned, started_days_ago=58, completed_days_ago=58)
    plan = plans.plan_start(episode=planned, started_on=days_ago(58), acting_user=world.worker)
    for due in (days_ago(3), days_ago(1), dates.today() + dt.timedelta(days=5)):
        plans.plan_action_add(plan=plan, description="Act", owner_name="Mum", due_date=due,
                              acting_user=world.worker)
    today = dates.today()
    rows = worklists.mark_due(list(worklists.caseload_rows(user=world.worker, today=today)), today)
    summary = worklists.caseload_summary(user=world.worker)
    assert summary == {
        "open": len(rows),
        "assessment_overdue": sum(r.assessment_overdue for r in rows),
        "review_overdue": sum(r.review_overdue for r in rows),
        "actions_late": sum(r.actions_late for r in rows),
    }
    assert summary["open"] == 2 and summary["actions_late"] == 2  # two past due, one to come
    assert summary["assessment_overdue"] == 1 and overdue.pk in {r.pk for r in rows}
    assert worklists.caseload_summary(user=world.other_worker)["open"] == 0
