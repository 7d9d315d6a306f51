"""Closing asks what happens to the work still running (issue 14: "closing as needs met warns
about nothing"): each open plan action and each running referral gets an answer, carried out
in the same transaction as the closure – or nothing happens."""

import pytest
from django.urls import reverse

from earlyhelp.cases.models import Episode
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.directory import services as directory
from earlyhelp.directory.models import Referral
from earlyhelp.directory.tests.factories import ServiceFactory
from earlyhelp.plans import services as plans
from earlyhelp.plans.models import PlanAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world):
    episode, plan, need = planned_episode(world, allocated_episode(world))
    mentoring = plans.plan_action_add(plan=plan, description="Mentoring sessions",
                                      owner=world.worker, owner_name="", due_date=dates.today(),
                                      acting_user=world.worker)
    course = plans.plan_action_add(plan=plan, description="Parenting course",
                                   owner=world.worker, owner_name="", due_date=dates.today(),
                                   acting_user=world.worker)
    parenting = directory.referral_send(episode=episode, service=ServiceFactory(name="Parents First"),
                                        reason="Parenting", acting_user=world.worker)
    youth = directory.referral_send(episode=episode, service=ServiceFactory(name="Youth club"),
                                    reason="Activities", acting_user=world.worker)
    return episode, mentoring, course, parenting, youth


def _close(extra=None):
    return {"outcome": "needs_met", "summary": "Outcomes achieved.",
            **_date("end_date", dates.today()), **(extra or {})}


def test_closing_lists_what_is_running_and_asks_about_each(world, running, client):
    episode, mentoring, course, parenting, youth = running
    verified_login(client, world.worker)
    url = reverse("web:close", args=[episode.pk])
    page = text(client.get(url))
    assert "2 plan actions still open" in page and "2 referrals to services still running" in page
    response = client.post(url, _close({f"action_{mentoring.pk}": "done"}))
    page = text(response)
    assert "Say what happens to the action 'Parenting course'" in page
    assert "Say what happens to the referral to Parents First" in page
    assert Episode.objects.get(pk=episode.pk).status == "open"

    response = client.post(url, _close({
        f"action_{mentoring.pk}": "done", f"action_{course.pk}": "cancelled",
        f"referral_{parenting.pk}": "continue", f"referral_{youth.pk}": "withdraw",
    }))
    check_url = reverse("web:close_check", args=[episode.pk])
    assert response.url == check_url
    check = text(client.get(check_url))
    assert "Action: Parenting course" in check and "Cancelled – no longer needed" in check
    assert "Referral: Youth club" in check and "Withdraw the referral" in check
    client.post(check_url, {"version": Episode.objects.get(pk=episode.pk).version})
    assert Episode.objects.get(pk=episode.pk).status == "closed"
    assert PlanAction.objects.get(pk=mentoring.pk).status == "done"
    assert PlanAction.objects.get(pk=course.pk).status == "cancelled"
    assert Referral.objects.get(pk=parenting.pk).status == "sent"
    assert Referral.objects.get(pk=youth.pk).status == "withdrawn"


def test_a_refused_closure_changes_none_of_the_running_work(world, running, client):
    episode, mentoring, course, parenting, youth = running
    verified_login(client, world.worker)
    client.post(reverse("web:close", args=[episode.pk]), _close({
        f"action_{mentoring.pk}": "done", f"action_{course.pk}": "cancelled",
        f"referral_{parenting.pk}": "withdraw", f"referral_{youth.pk}": "withdraw",
    }))
    stale = Episode.objects.get(pk=episode.pk).version - 1  # someone changed it meanwhile
    page = text(client.post(reverse("web:close_check", args=[episode.pk]), {"version": stale}))
    assert "There is a problem" in page
    assert Episode.objects.get(pk=episode.pk).status == "open"
    assert set(PlanAction.objects.filter(pk__in=[mentoring.pk, course.pk])
               .values_list("status", flat=True)) == {"open"}
    assert set(Referral.objects.filter(pk__in=[parenting.pk, youth.pk])
               .values_list("status", flat=True)) == {"sent"}


def test_work_added_after_the_first_page_is_asked_about_again(world, running, client):
    episode, mentoring, course, parenting, youth = running
    verified_login(client, world.worker)
    client.post(reverse("web:close", args=[episode.pk]), _close({
        f"action_{mentoring.pk}": "done", f"action_{course.pk}": "done",
        f"referral_{parenting.pk}": "continue", f"referral_{youth.pk}": "continue",
    }))
    directory.referral_send(episode=episode, service=ServiceFactory(name="Food bank"),
                            reason="Food", acting_user=world.worker)
    response = client.get(reverse("web:close_check", args=[episode.pk]))
    assert response.url == reverse("web:close", args=[episode.pk])
    assert Episode.objects.get(pk=episode.pk).status == "open"
