import datetime as dt
from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.assessments.models import Assessment, AssessmentEntry
from earlyhelp.cases.models import Episode, TafMember, Transition
from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing import journey
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.testing.world import days_ago
from earlyhelp.plans.models import Plan, PlanAction, Review


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db


def _date(prefix, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.fixture
def episode(world):
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    episode.refresh_from_db()
    return episode


def test_episode_and_family_pages_are_scoped_and_audited(world, episode, client):
    verified_login(client, world.other_worker)  # another service: out of scope
    assert client.get(reverse("web:episode_detail", args=[episode.pk])).status_code == 404
    assert client.get(reverse("web:family_detail", args=[episode.family_id])).status_code == 404
    verified_login(client, world.worker)
    response = client.get(reverse("web:episode_detail", args=[episode.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        user=world.worker, action="view", object_id=str(episode.pk), family_id=episode.family_id
    ).exists()
    response = client.get(reverse("web:family_detail", args=[episode.family_id]))
    html = text(response)
    assert "Members and consent" in html and "Timeline" in html
    assert f"Early help episode {episode.reference} opened" in html
    assert AuditEvent.objects.filter(
        user=world.worker, action="view", object_type="people.family"
    ).exists()


def test_partner_cannot_change_an_episode_they_do_not_lead(world, episode, client):
    journey.partner_joins_taf(world, episode)
    verified_login(client, world.partner)  # on the TAF: can see it, cannot work on it
    assert client.get(reverse("web:episode_detail", args=[episode.pk])).status_code == 200
    assert client.get(reverse("web:close", args=[episode.pk])).status_code == 403


def test_allocation_by_the_manager(world, client):
    episode = journey.open_episode(world)
    verified_login(client, world.manager)
    url = reverse("web:episode_allocate", args=[episode.pk])
    response = client.post(url, {"lead_practitioner": "", "version": episode.version})
    assert "Choose the lead practitioner" in text(response)
    response = client.post(url, {"lead_practitioner": world.worker.pk, "version": episode.version})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.lead_practitioner == world.worker
    # A stale page (someone else allocated since it was opened) is refused, not overwritten.
    response = client.post(url, {"lead_practitioner": world.manager.pk, "version": 1})
    assert "changed by someone else" in text(response)
    assert Episode.objects.get(pk=episode.pk).lead_practitioner == world.worker


def test_taf_member_needs_a_name_or_an_account(world, episode, client):
    verified_login(client, world.worker)
    url = reverse("web:taf_member_add", args=[episode.pk])
    response = client.post(url, _date("joined_on", dates.today()))
    assert "Choose a practitioner, or enter the name of the member" in text(response)
    client.post(url, {"name": "Dr Patel", "role": "GP", **_date("joined_on", dates.today())})
    assert TafMember.objects.get(episode=episode).name == "Dr Patel"


def test_assessment_saved_part_done_then_refused_until_whole(world, episode, client):
    verified_login(client, world.worker)
    client.post(
        reverse("web:assessment_start", args=[episode.pk]),
        {
            **_date("started_on", days_ago(5)),
            "completing_organisation": world.council.pk,
        },
    )
    assessment = Assessment.objects.get(episode=episode)
    tasks = text(client.get(reverse("web:assessment", args=[assessment.pk])))
    assert "govuk-task-list" in tasks and "Cannot start yet" in tasks
    client.post(
        reverse("web:assessment_member", args=[assessment.pk, world.child.pk]),
        {
            "version": assessment.version,
            "development_needs": "Sleep",
            "parenting_strengths": "Warm",
        },
    )
    assert AssessmentEntry.objects.filter(assessment=assessment).count() == 3
    tasks = text(client.get(reverse("web:assessment", args=[assessment.pk])))
    assert "In progress" in tasks
    assessment.refresh_from_db()
    response = client.post(
        reverse("web:assessment_complete", args=[assessment.pk]),
        {
            "version": assessment.version,
            **_date("completed_on", dates.today()),
        },
    )
    html = text(response)
    assert "add at least one presenting need and record the voice of the child" in html
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"

    response = client.post(
        reverse("web:assessment_needs", args=[assessment.pk]), {"theme": "", "baseline_score": ""}
    )
    assert "Choose the need" in text(response)
    client.post(
        reverse("web:assessment_needs", args=[assessment.pk]),
        {"theme": world.themes[0].pk, "baseline_score": "3", "cin_factor": "3B"},
    )
    client.post(
        reverse("web:assessment_voice", args=[assessment.pk]),
        {
            "version": Assessment.objects.get(pk=assessment.pk).version,
            "voice_of_child": "I want the shouting to stop.",
        },
    )
    assessment.refresh_from_db()
    response = client.post(
        reverse("web:assessment_complete", args=[assessment.pk]),
        {
            "version": assessment.version,
            **_date("completed_on", dates.today()),
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "completed"
    # Completed: no more editing.
    response = client.post(
        reverse("web:assessment_voice", args=[assessment.pk]),
        {"version": Assessment.objects.get(pk=assessment.pk).version, "voice_of_child": "Changed"},
    )
    assert "can no longer be changed" in text(response)


def test_plan_needs_a_completed_assessment(world, episode, client):
    verified_login(client, world.worker)
    response = client.post(
        reverse("web:plan_start", args=[episode.pk]), _date("started_on", dates.today())
    )
    assert "Complete the early help assessment before making the plan" in text(response)
    assert not Plan.objects.exists()


@pytest.fixture
def planned(world, episode):
    from earlyhelp.plans import services as plans

    _, need = journey.completed_assessment(world, episode)
    plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
    return episode, plan, need


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


def test_closure_goes_through_check_your_answers(world, planned, client):
    episode, _, _ = planned
    verified_login(client, world.worker)
    response = client.post(reverse("web:close", args=[episode.pk]), {"outcome": "needs_met"})
    assert "Enter a closure summary" in text(response)
    response = client.post(
        reverse("web:close", args=[episode.pk]),
        {
            "outcome": "needs_met",
            "summary": "Outcomes achieved.",
            **_date("end_date", dates.today()),
        },
    )
    assert response.url == reverse("web:close_check", args=[episode.pk])
    assert Episode.objects.get(pk=episode.pk).status == "open"  # nothing yet
    check = text(client.get(response.url))
    assert "Needs met – outcomes achieved" in check
    client.post(response.url, {"version": Episode.objects.get(pk=episode.pk).version})
    episode.refresh_from_db()
    assert episode.status == "closed" and episode.closure_outcome == "needs_met"
    assert Plan.objects.get().status == "ended"


def test_closing_needs_met_without_assessment_is_refused(world, episode, client):
    verified_login(client, world.worker)
    client.post(
        reverse("web:close", args=[episode.pk]),
        {"outcome": "needs_met", "summary": "Done.", **_date("end_date", dates.today())},
    )
    response = client.post(
        reverse("web:close_check", args=[episode.pk]), {"version": episode.version}
    )
    assert "only close as 'needs met' after an early help assessment" in text(response)
    assert Episode.objects.get(pk=episode.pk).status == "open"


def test_step_up(world, episode, client):
    verified_login(client, world.worker)
    response = client.post(reverse("web:step_up", args=[episode.pk]), {"reason": ""})
    assert "Enter why the family is being stepped up" in text(response)
    client.post(
        reverse("web:step_up", args=[episode.pk]),
        {"reason": "Disclosure of harm.", **_date("on", dates.today())},
    )
    client.post(reverse("web:step_up_check", args=[episode.pk]), {"version": episode.version})
    transition = Transition.objects.get()
    assert transition.kind == "step_up" and transition.cin_code == "5D"
    assert Episode.objects.get(pk=episode.pk).closure_outcome == "stepped_up"


def test_case_notes_and_consent(world, episode, client):
    verified_login(client, world.worker)
    client.post(
        reverse("web:note_add", args=[episode.pk]),
        {"subject": "Home visit", "text": "Mum was tired.", "is_sensitive": "on"},
    )
    assert "Home visit" in text(client.get(reverse("web:notes", args=[episode.pk])))
    url = reverse("web:consent_add", args=[episode.family_id, world.child.pk])
    response = client.post(url, {"kind": "share", "status": "withdrawn"})
    assert "Enter the date of the decision" in text(response)
    client.post(
        url, {"kind": "share", "status": "withdrawn", **_date("decided_on", dates.today())}
    )
    page = text(client.get(reverse("web:family_detail", args=[episode.family_id])))
    assert "Withdrawn" in page


def test_sensitive_need_descriptions_are_restricted_for_partners(world, episode, client):
    assessment, need = journey.completed_assessment(world, episode)
    need.description = "Police called twice in March."
    need.save()
    url = reverse("web:assessment", args=[assessment.pk])
    journey.partner_joins_taf(world, episode)
    verified_login(client, world.partner)  # on the TAF: in scope, not early help staff
    page = text(client.get(url))
    assert "Restricted" in page and "Police called twice" not in page
    verified_login(client, world.worker)
    assert "Police called twice in March." in text(client.get(url))
