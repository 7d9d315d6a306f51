"""The manager's start date and focus children pages, and the step-down page (issue 12): each
as the people who may, refused for those who may not, and bad input changing nothing."""

import pytest
from django.urls import reverse

from earlyhelp.cases import services
from earlyhelp.cases.models import Episode, FocusChild, Transition
from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.models import AuditAction, AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.models import Family, Membership, Person
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def test_manager_moves_the_start_date_within_its_bounds(world, episode, client):
    verified_login(client, world.manager)
    url = reverse("web:episode_start_date", args=[episode.pk])
    page = text(client.get(url))
    assert "Change the start date" in page
    before_decision = client.post(
        url, {**_date("start_date", days_ago(70)), "version": episode.version}
    )
    assert "must be on or after the date of the decision" in text(before_decision)
    assert Episode.objects.get(pk=episode.pk).start_date == days_ago(59)
    response = client.post(url, {**_date("start_date", days_ago(50)), "version": episode.version})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.start_date == days_ago(50)
    assert any(
        "start_date" in event.changes
        for event in AuditEvent.objects.filter(action=AuditAction.CHANGE, family_id=episode.family_id)
    )
    stale = client.post(url, {**_date("start_date", days_ago(40)), "version": episode.version - 1})
    assert "was changed by someone else after you opened it" in text(stale)
    assert Episode.objects.get(pk=episode.pk).start_date == days_ago(50)


def test_the_episode_page_offers_the_changes_only_to_its_manager(world, episode, client):
    verified_login(client, world.manager)
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert reverse("web:episode_start_date", args=[episode.pk]) in page
    assert reverse("web:focus_children", args=[episode.pk]) in page
    client.logout()
    verified_login(client, world.worker)
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert reverse("web:episode_start_date", args=[episode.pk]) not in page
    assert reverse("web:focus_children", args=[episode.pk]) not in page


@pytest.mark.parametrize("who, status", [("worker", 403), ("front_door", 403),
                                         ("other_worker", 404), ("partner", 404)])
def test_others_are_refused_the_manager_pages(world, episode, client, who, status):
    verified_login(client, getattr(world, who))
    child = episode.focus_children.first()
    for url in (
        reverse("web:episode_start_date", args=[episode.pk]),
        reverse("web:focus_children", args=[episode.pk]),
        reverse("web:focus_child_add", args=[episode.pk]),
        reverse("web:focus_child_end", args=[episode.pk, child.pk]),
    ):
        assert client.get(url).status_code == status, url
        assert client.post(url, {**_date("on", dates.today())}).status_code == status, url
    assert FocusChild.objects.filter(episode=episode, ended_on__isnull=False).count() == 0


def test_a_manager_ends_and_adds_focus_children_dated(world, episode, client):
    verified_login(client, world.manager)
    current = list(episode.focus_children.order_by("given_name"))
    assert len(current) == 2
    first, second = current
    end = reverse("web:focus_child_end", args=[episode.pk, first.pk])
    future = client.post(end, _date("on", dates.today() + dt_days(3)))
    assert "must be today or in the past" in text(future)
    assert client.post(end, _date("on", days_ago(10))).status_code == 302
    assert FocusChild.objects.get(episode=episode, person=first).ended_on == days_ago(10)
    # The last one cannot go: an episode is about someone.
    last = client.post(
        reverse("web:focus_child_end", args=[episode.pk, second.pk]), _date("on", days_ago(5))
    )
    assert "keeps at least one focus child" in text(last)
    assert FocusChild.objects.get(episode=episode, person=second).ended_on is None
    # first can be added back from a later day; the page lists both spells
    add = reverse("web:focus_child_add", args=[episode.pk])
    missing = client.post(add, _date("on", days_ago(2)))
    assert "Select the child" in text(missing)
    assert client.post(add, {"person": first.pk, **_date("on", days_ago(2))}).status_code == 302
    page = text(client.get(reverse("web:focus_children", args=[episode.pk])))
    assert page.count(first.full_name) >= 2 and "Current" in page
    assert set(Episode.objects.get(pk=episode.pk).focus_children.all()) == {first, second}


def dt_days(n):
    import datetime as dt

    return dt.timedelta(days=n)


def _step_down_common(world, **extra):
    return {
        "team": world.team.pk,
        **_date("social_care_decided_on", days_ago(3)),
        **_date("on", days_ago(1)),
        "reason": "Section 17 assessment closed; early help agreed with the family.",
        "social_care_reference": "CSC-4411",
        **extra,
    }


def _counts():
    return (Family.objects.count(), Person.objects.count(), Membership.objects.count(),
            Episode.objects.count(), Transition.objects.count())


def test_front_door_steps_down_a_family_new_to_early_help(world, client):
    verified_login(client, world.front_door)
    url = reverse("web:step_down")
    assert "The household" in text(client.get(url))
    before = _counts()
    data = _step_down_common(
        world,
        family_name="The Okafor family",
        postcode="LS1 4AP",
        m1_given_name="Ada", m1_last_name="Okafor", m1_role="parent_carer",
        m2_given_name="Tobi", m2_last_name="Okafor", m2_role="child", m2_focus="on",
        **_date("m2_date_of_birth", days_ago(9 * 365)),
    )
    response = client.post(url, data)
    assert response.status_code == 302, text(response)[:2000]
    episode = Episode.objects.get(family__name="The Okafor family")
    assert episode.route_in == "step_down" and episode.start_date == days_ago(1)
    assert [p.given_name for p in episode.focus_children.all()] == ["Tobi"]
    assert episode.family.memberships.count() == 2
    transition = Transition.objects.get(episode=episode)
    assert transition.social_care_reference == "CSC-4411"
    assert _counts()[0] == before[0] + 1 and _counts()[1] == before[1] + 2


@pytest.mark.parametrize("broken, message", [
    ({"m2_last_name": ""}, "Enter person 2's last name"),
    ({"m2_role": ""}, "Choose person 2's role in the household"),
    ({"m2_focus": "", "m1_focus": ""}, "Mark at least one child as a focus child"),
    ({"m1_focus": "on"}, "Only a child can be a focus child (person 1)"),
    ({"family_name": ""}, "Enter the household's name"),
    ({"reason": ""}, "Enter why the family is being stepped down"),
    ({"postcode": "LS1 4AP LS1 4AP"}, "Postcode must be 10 characters or fewer"),
    ({"postcode": "NOT A PC"}, "Enter a real postcode, like EN5 1AA"),
])
def test_a_broken_step_down_says_what_and_writes_nothing(world, client, broken, message):
    verified_login(client, world.front_door)
    data = _step_down_common(
        world,
        family_name="The Okafor family",
        m1_given_name="Ada", m1_last_name="Okafor", m1_role="parent_carer",
        m2_given_name="Tobi", m2_last_name="Okafor", m2_role="child", m2_focus="on",
    )
    data.update(broken)
    before = _counts()
    page = text(client.post(reverse("web:step_down"), data))
    assert "There is a problem" in page and message in page
    assert _counts() == before


def test_step_down_date_before_social_cares_decision_is_refused(world, client):
    verified_login(client, world.front_door)
    data = _step_down_common(
        world, family_name="The Okafor family",
        m1_given_name="Tobi", m1_last_name="Okafor", m1_role="child", m1_focus="on",
        **_date("on", days_ago(10)),
    )
    before = _counts()
    page = text(client.post(reverse("web:step_down"), data))
    assert "social care" in page and "There is a problem" in page
    assert _counts() == before


def test_a_worker_steps_down_a_known_family_from_its_record(world, episode, client):
    # stepped up a month ago; social care now steps the family back down
    services.episode_step_up(episode=episode, on=days_ago(30), reason="Disclosure.",
                             acting_user=world.worker)
    verified_login(client, world.worker)
    family_page = text(client.get(reverse("web:family_detail", args=[world.family.pk])))
    assert f"{reverse('web:step_down')}?family={world.family.pk}" in family_page
    url = f"{reverse('web:step_down')}?family={world.family.pk}"
    assert "Focus children" in text(client.get(url))
    refused = client.post(url, _step_down_common(world))
    assert "Select at least one focus child" in text(refused)
    child = world.child
    response = client.post(url, _step_down_common(world, focus_children=[child.pk]))
    assert response.status_code == 302
    stepped_down = Episode.objects.get(family=world.family, status="open")
    assert list(stepped_down.focus_children.all()) == [child]
    assert stepped_down.route_in == "step_down"


def test_step_down_refuses_those_who_may_not_and_families_out_of_sight(world, client):
    verified_login(client, world.partner)
    assert client.get(reverse("web:step_down")).status_code == 403
    client.logout()
    # a family the other team's worker cannot see answers 404, as a made-up id does
    journey.open_episode(world)
    verified_login(client, world.other_worker)
    url = f"{reverse('web:step_down')}?family={world.family.pk}"
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('web:step_down')}?family=not-an-id").status_code == 404
    assert client.post(url, _step_down_common(world, focus_children=[world.child.pk])
                       ).status_code == 404
