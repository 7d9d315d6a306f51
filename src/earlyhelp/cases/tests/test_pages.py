"""The episode's pages: scope and audit, allocation, TAF, closure, step-up and notes."""


import pytest
from django.urls import reverse

from earlyhelp.cases.models import Episode, TafMember, Transition
from earlyhelp.cases.tests.pages import allocated_episode, planned_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.plans.models import Plan
from earlyhelp.testing import journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


@pytest.fixture
def planned(world, episode):
    return planned_episode(world, episode)


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


def test_the_episode_page_leaves_the_view_row_record_view_writes(world, episode, client):
    """On PostgreSQL the episode page's view row is written by its read's own statement
    (core.audited_read): it must be the row audit.record_view writes, written here after it for
    comparison. A read refused (out of scope, 404) leaves no row."""
    from earlyhelp.core.testing.audit import assert_newest_view_row_is_record_views

    verified_login(client, world.worker)
    url = reverse("web:episode_detail", args=[episode.pk])
    assert client.get(url).status_code == 200
    assert_newest_view_row_is_record_views(user=world.worker, obj=episode,
                                           family_id=episode.family_id)
    views = AuditEvent.objects.filter(action="view")
    verified_login(client, world.other_worker)
    before = views.count()
    assert client.get(url).status_code == 404
    assert views.count() == before


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


def test_case_notes(world, episode, client):
    verified_login(client, world.worker)
    client.post(
        reverse("web:note_add", args=[episode.pk]),
        {"subject": "Home visit", "text": "Mum was tired.", "is_sensitive": "on"},
    )
    assert "Home visit" in text(client.get(reverse("web:notes", args=[episode.pk])))
