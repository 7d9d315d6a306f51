"""Closing an episode with work still running, through its two doors: the service the closing
page uses, and the API's close. Each open plan action and running referral needs an answer
(done or cancelled; continues or withdrawn); without one the close is refused, naming what is
open, and nothing changes."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from earlyhelp.cases import services
from earlyhelp.cases.models import Episode
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.directory import services as directory
from earlyhelp.directory.models import Referral, ReferralEvent
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.plans import services as plans
from earlyhelp.plans.models import Plan, PlanAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    episode, plan, need = planned_episode(world, allocated_episode(world))
    mentoring, course = (
        plans.plan_action_add(plan=plan, description=name, owner=world.worker, owner_name="",
                              due_date=dates.today(), acting_user=world.worker)
        for name in ("Mentoring sessions", "Parenting course")
    )
    parenting, youth = (
        directory.referral_send(episode=episode, service=ServiceFactory(name=name),
                                reason="Support", acting_user=world.worker)
        for name in ("Parents First", "Youth club")
    )
    return episode, mentoring, course, parenting, youth


def _written() -> int:
    return AuditEvent.objects.filter(action__in=("create", "change", "share")).count()


def _unchanged(episode, mentoring, course, parenting, youth, audit_rows, events):
    assert Episode.objects.get(pk=episode.pk).status == "open"
    assert Plan.objects.get(episode=episode).status == "active"
    assert set(PlanAction.objects.filter(pk__in=[mentoring.pk, course.pk])
               .values_list("status", flat=True)) == {"open"}
    assert set(Referral.objects.filter(pk__in=[parenting.pk, youth.pk])
               .values_list("status", flat=True)) == {"sent"}
    assert _written() == audit_rows  # (a refusal may record a read or the refusal itself)
    assert ReferralEvent.objects.count() == events


def _close(world, episode, **answers):
    return services.episode_close_settling(
        episode=episode, outcome="needs_met", end_date=dates.today(), summary="Done.",
        acting_user=world.worker, **answers,
    )


def test_the_service_refuses_naming_each_unanswered_item_and_changes_nothing(world, running):
    episode, mentoring, course, parenting, youth = running
    before = _written(), ReferralEvent.objects.count()
    with pytest.raises(IllegalMove) as refused:
        _close(world, episode, actions={mentoring.pk: "done"},
               referrals={parenting.pk: "withdraw"})
    assert refused.value.code == "work_still_open"
    message = refused.value.message
    assert '"Parenting course"' in message and f"actions[{course.pk}]" in message
    assert youth.reference in message and "Youth club" in message
    assert "Mentoring sessions" not in message and "Parents First" not in message  # answered
    _unchanged(episode, mentoring, course, parenting, youth, *before)


def test_the_service_refuses_a_choice_that_is_not_one_and_changes_nothing(world, running):
    episode, mentoring, course, parenting, youth = running
    before = _written(), ReferralEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        _close(world, episode, actions={mentoring.pk: "done", course.pk: "forgotten"},
               referrals={parenting.pk: "continue", youth.pk: "continue"})
    assert "forgotten" in str(refused.value.message_dict["actions"])
    _unchanged(episode, mentoring, course, parenting, youth, *before)


def test_the_service_settles_each_item_as_chosen_and_closes(world, running):
    episode, mentoring, course, parenting, youth = running
    closed = _close(world, episode, actions={mentoring.pk: "done", course.pk: "cancelled"},
                    referrals={parenting.pk: "continue", youth.pk: "withdraw"})
    assert closed.status == "closed"
    assert PlanAction.objects.get(pk=mentoring.pk).status == "done"
    assert PlanAction.objects.get(pk=mentoring.pk).completed_on == dates.today()
    assert PlanAction.objects.get(pk=course.pk).status == "cancelled"
    assert Referral.objects.get(pk=parenting.pk).status == "sent"
    withdrawn = Referral.objects.get(pk=youth.pk)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.status_note == f"Early help episode {episode.reference} closed"
    assert Plan.objects.get(episode=episode).status == "ended"  # the table's always-effect
    # Each change is audited by the service that made it.
    for pk in (mentoring.pk, course.pk, youth.pk, episode.pk):
        assert AuditEvent.objects.filter(action="change", object_id=str(pk)).exists(), pk
    assert not AuditEvent.objects.filter(action="change", object_id=str(parenting.pk)).exists()


def test_a_closed_episode_cannot_be_closed_again_by_either_door(world, running):
    episode, mentoring, course, parenting, youth = running
    _close(world, episode, actions={mentoring.pk: "done", course.pk: "done"},
           referrals={parenting.pk: "continue", youth.pk: "continue"})
    with pytest.raises(IllegalMove, match="already closed"):
        _close(world, episode)


# The API's door ------------------------------------------------------------------------------


def _api(world):
    client = APIClient()
    client.force_authenticate(world.worker)
    return client


def _post(client, episode, **answers):
    return client.post(f"/api/episodes/{episode.pk}/close/", {
        "outcome": "needs_met", "end_date": str(dates.today()), "summary": "Done.",
        "version": Episode.objects.get(pk=episode.pk).version, **answers,
    }, format="json")


def test_the_api_close_is_409_naming_what_is_open_and_changes_nothing(world, running):
    episode, mentoring, course, parenting, youth = running
    before = _written(), ReferralEvent.objects.count()
    response = _post(_api(world), episode)
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == 409 and body["code"] == "work_still_open"
    for item in ("Mentoring sessions", "Parenting course", "Parents First", "Youth club",
                 str(mentoring.pk), str(youth.pk)):
        assert item in body["detail"]
    _unchanged(episode, mentoring, course, parenting, youth, *before)


def test_the_api_close_with_an_answer_for_each_settles_and_closes(world, running):
    episode, mentoring, course, parenting, youth = running
    response = _post(_api(world), episode,
                     actions={str(mentoring.pk): "done", str(course.pk): "cancelled"},
                     referrals={str(parenting.pk): "withdraw", str(youth.pk): "continue"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    assert PlanAction.objects.get(pk=mentoring.pk).status == "done"
    assert PlanAction.objects.get(pk=course.pk).status == "cancelled"
    assert Referral.objects.get(pk=parenting.pk).status == "withdrawn"
    assert Referral.objects.get(pk=youth.pk).status == "sent"


def test_the_api_close_with_a_wrong_choice_is_400_on_the_field(world, running):
    episode, mentoring, course, parenting, youth = running
    before = _written(), ReferralEvent.objects.count()
    response = _post(_api(world), episode, actions={str(mentoring.pk): "maybe"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"actions.{mentoring.pk}"]
    _unchanged(episode, mentoring, course, parenting, youth, *before)


def test_the_api_close_with_nothing_running_needs_no_answers(world):
    episode = allocated_episode(world)
    response = _post(_api(world), episode, outcome="moved_away")
    assert response.status_code == 200, response.json()
    assert Episode.objects.get(pk=episode.pk).status == "closed"
