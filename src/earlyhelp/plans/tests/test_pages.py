"""The plan's pages: start, outcomes, actions and reviews."""


import pytest
from django.urls import reverse

from earlyhelp.cases.tests.pages import allocated_episode, planned_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.plans.models import Plan, PlanAction, Review
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


@pytest.fixture
def planned(world, episode):
    return planned_episode(world, episode)


def test_plan_needs_a_completed_assessment(world, episode, client):
    verified_login(client, world.worker)
    response = client.post(
        reverse("web:plan_start", args=[episode.pk]), _date("started_on", dates.today())
    )
    assert "Complete the early help assessment before making the plan" in text(response)
    assert not Plan.objects.exists()


def test_actions_and_outcomes(world, planned, client):
    episode, plan, need = planned
    verified_login(client, world.worker)
    client.post(
        reverse("web:plan_outcome_add", args=[plan.pk]),
        {"text": "No more shouting at home.", "need": need.pk},
    )
    response = client.post(
        reverse("web:plan_action_add", args=[plan.pk]),
        {"description": "Parenting programme", **_date("due_date", dates.today())},
    )
    assert "Choose an owner, or enter the owner's name" in text(response)
    response = client.post(
        reverse("web:plan_action_add", args=[plan.pk]),
        {
            "description": "Parenting programme",
            "owner_name": "Mum",
            **_date("due_date", days_ago(60)),
        },
    )
    assert "The due date must be on or after the plan started" in text(response)
    client.post(
        reverse("web:plan_action_add", args=[plan.pk]),
        {
            "description": "Parenting programme",
            "owner_name": "Mum",
            **_date("due_date", days_ago(1)),
        },
    )
    action = PlanAction.objects.get()
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert "Past due" in page
    client.post(
        reverse("web:plan_action_done", args=[action.pk]), _date("completed_on", dates.today())
    )
    assert PlanAction.objects.get().status == "done"


def test_reviews_score_every_need_and_draw_the_chart(world, planned, client):
    episode, plan, need = planned
    verified_login(client, world.worker)
    url = reverse("web:review_add", args=[episode.pk])
    response = client.post(url, {"attendees": "Mum", **_date("held_on", days_ago(10))})
    assert f"Score progress on {need.theme.name} from 1 to 10" in text(response)
    assert not Review.objects.exists()
    response = client.post(
        url,
        {
            "attendees": "Mum",
            f"score_{need.pk}": "5",
            **_date("held_on", days_ago(10)),
            **_date("next_review_due", days_ago(12)),
        },
    )
    assert "The next review must be due after this review" in text(response)
    for held, score in ((days_ago(10), "5"), (days_ago(2), "8")):
        client.post(
            url,
            {"attendees": "Mum\nKey worker", f"score_{need.pk}": score, **_date("held_on", held)},
        )
    assert Review.objects.count() == 2
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert 'role="img"' in page and "Distance travelled" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">8</td>' in page
