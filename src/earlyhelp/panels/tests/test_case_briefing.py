"""The panel case page gives the panel what it decides from: needs and their scores, the
assessment, the plan's progress, reviews and the family's earlier panel cases (issue 14)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from earlyhelp.assessments.models import PresentingNeed
from earlyhelp.core import dates
from earlyhelp.testing import journey
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.testing.world import days_ago
from earlyhelp.plans import services as plans

from ..models import PanelCase
from ..services.cases import panel_case_bring, panel_case_withdraw
from .factories import PanelFactory


@pytest.fixture
def worked_case(world, episode, panel):
    """Assessed (domestic violence, scored 3, with a description), reviewed (now 5), a plan with
    one action done, one open and one open past its date; brought to the panel a second time."""
    assessment, need = journey.completed_assessment(world, episode)
    PresentingNeed.objects.filter(pk=need.pk).update(description="Father's violence when drinking")
    journey.review(world, episode, need, held_days_ago=10, score=5)
    plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    for description, due in (("Refuge contact", -5), ("Parenting course", 20), ("GP visit", -2)):
        action = plans.plan_action_add(
            plan=plan, description=description, owner_name="Sam",
            due_date=dates.today() + dt.timedelta(days=due), acting_user=world.worker,
        )
        if description == "Refuge contact":
            plans.plan_action_complete(
                action=action, completed_on=days_ago(1), acting_user=world.worker
            )
    earlier_panel = PanelFactory(name="Early Help Forum")
    earlier = panel_case_bring(
        panel=earlier_panel, episode=episode, acting_user=world.worker, detail="No progress"
    )
    panel_case_withdraw(panel_case=earlier, acting_user=world.worker, reason="Moved to the MAG")
    return panel_case_bring(panel=panel, episode=episode, acting_user=world.worker,
                            detail="Stuck")


def test_the_panel_sees_needs_scores_plan_reviews_and_history(client, worked_case, member):
    verified_login(client, member)
    body = client.get(reverse("panels:case", args=[worked_case.pk])).content.decode()
    assert "Domestic violence" in body
    assert ">3</td>" in body and ">5</td>" in body and "+2 better" in body
    assert "I want the shouting to stop." in body  # the child's voice from the assessment
    assert "1 action done, 2 open (1 past due)" in body
    assert "1 held, the last on" in body
    assert "Early Help Forum, brought" in body and "Withdrawn" in body
    # a panel member is not among those who may read a domestic abuse need's description
    assert "Father&#x27;s violence when drinking" not in body
    assert "Details restricted" in body


def test_the_lead_practitioner_sees_the_description(client, world, worked_case):
    verified_login(client, world.manager)
    body = client.get(reverse("panels:case", args=[worked_case.pk])).content.decode()
    assert "Father&#x27;s violence when drinking" in body
    assert "Details restricted" not in body


def test_a_first_visit_says_so(client, world, episode, panel, member):
    case = panel_case_bring(panel=panel, episode=episode, acting_user=world.worker, detail="x")
    verified_login(client, member)
    body = client.get(reverse("panels:case", args=[case.pk])).content.decode()
    assert "No early help assessment has been started." in body
    assert "No plan yet" in body and "None held" in body
    assert "this is the first time the family has come to a panel" in body


def test_the_case_page_takes_the_same_queries_however_much_history(
    client, world, worked_case, member
):
    verified_login(client, member)
    url = reverse("panels:case", args=[worked_case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    # more needs, scores, actions and earlier cases
    assessment = worked_case.episode.assessments.get()
    need = PresentingNeed.objects.create(
        assessment=assessment, theme=world.themes[1], baseline_score=4
    )
    journey.review(world, worked_case.episode, need, held_days_ago=3, score=6)
    for n in range(3):  # earlier visits, already over (a family waits at one panel at a time)
        PanelCase.objects.create(
            panel=PanelFactory(name=f"Panel {n}"), episode=worked_case.episode,
            family=worked_case.family, brought_on=days_ago(40 + n), status="withdrawn",
        )
    with CaptureQueriesContext(connection) as second:
        body = client.get(url).content.decode()
    assert "Panel 2, brought" in body
    assert len(second) == len(first), [q["sql"][:120] for q in second.captured_queries]
