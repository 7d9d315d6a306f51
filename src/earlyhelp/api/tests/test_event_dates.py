"""Events recorded after the fact take the date they happened: API 400s, the rule's one message,
a back-dated journey end to end, the manager's start date and focus children, step-down."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Episode, FocusChild, Transition
from earlyhelp.core.dates import today
from earlyhelp.core.models import AuditEvent
from earlyhelp.people.models import Family, Person
from earlyhelp.testing.journey import open_episode, raise_contact
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def triage_body(world, **extra):
    return {
        "outcome": "early_help", "threshold_model": str(world.model.pk),
        "indicators": [str(world.indicator(2).pk)], "level": str(world.level(2).pk),
        "rag": "amber", "rationale": "Additional needs", "routed_team": str(world.team.pk),
        **extra,
    }


def test_a_decision_recorded_later_keeps_its_date_and_the_journey_follows_it(world):
    """The issue's case: triage stamped 'now' refused a back-dated assessment."""
    contact = raise_contact(world, received_days_ago=30)
    decided = timezone.localtime(timezone.now() - dt.timedelta(days=29)).replace(microsecond=0)
    response = client_for(world.front_door).post(
        f"/api/contacts/{contact.pk}/triage/",
        triage_body(world, decided_at=decided.isoformat()), format="json",
    )
    assert response.status_code == 201, response.json()
    episode = Episode.objects.get(pk=response.json()["episode"])
    assert episode.start_date == decided.date()  # starts on the day of the decision
    # The focus children come from the request's subjects.
    assert set(episode.focus_children.all()) == {
        m.person for m in world.family.memberships.filter(role="child")}
    # Recorded today by the front door worker, dated 29 days ago: both kept.
    assert episode.contact.decision.decided_at == decided
    assert episode.contact.decision.created_by == world.front_door
    assert episode.contact.decision.created_at.date() == today()
    started = client_for(world.worker).post("/api/assessments/", {
        "episode": str(episode.pk), "started_on": days_ago(28).isoformat(),
        "completing_organisation": str(world.council.pk),
    }, format="json")
    assert started.status_code == 201, started.json()
    # The audit row holds when it happened (in its changes) and when it was recorded (at).
    event = AuditEvent.objects.filter(object_id=str(started.json()["id"]), action="create").get()
    assert event.changes["started_on"] == days_ago(28).isoformat()
    assert event.at.date() == today() and event.username == world.worker.username


@pytest.mark.parametrize("when, message", [
    ("future", "The decision date must be today or in the past"),
    ("before", "The decision date must be on or after the date the request was received"),
])
def test_a_decision_date_in_the_future_or_before_the_request_is_a_400(world, when, message):
    contact = raise_contact(world, received_days_ago=10)
    decided = timezone.now() + dt.timedelta(days=2) if when == "future" else (
        timezone.now() - dt.timedelta(days=11))
    response = client_for(world.front_door).post(
        f"/api/contacts/{contact.pk}/triage/",
        triage_body(world, decided_at=decided.isoformat()), format="json",
    )
    assert response.status_code == 400
    assert message in response.json()["errors"]["decided_at"][0]
    contact.refresh_from_db()
    assert contact.status == "awaiting_decision" and Episode.objects.count() == 0


def test_the_episode_start_may_follow_the_decision_but_never_precede_it(world):
    contact = raise_contact(world, received_days_ago=10)
    client = client_for(world.front_door)
    body = triage_body(world, decided_at=(timezone.now() - dt.timedelta(days=9)).isoformat())
    early = client.post(f"/api/contacts/{contact.pk}/triage/",
                        {**body, "episode_start_date": days_ago(10).isoformat()}, format="json")
    assert early.status_code == 400
    assert "on or after the date of the decision" in early.json()["errors"]["episode_start_date"][0]
    ok = client.post(f"/api/contacts/{contact.pk}/triage/",
                     {**body, "episode_start_date": days_ago(7).isoformat()}, format="json")
    assert ok.status_code == 201, ok.json()
    assert Episode.objects.get(pk=ok.json()["episode"]).start_date == days_ago(7)


def test_a_manager_sets_the_start_date_within_its_bounds(world):
    episode = open_episode(world)  # decided 59 days ago, started that day
    decided_on = episode.start_date
    url = f"/api/episodes/{episode.pk}/start-date/"
    assert client_for(world.worker).post(url, {"start_date": decided_on.isoformat()},
                                         format="json").status_code == 403
    manager = client_for(world.manager)
    version = manager.get(f"/api/episodes/{episode.pk}/").json()["version"]
    blind = manager.post(url, {"start_date": (decided_on + dt.timedelta(days=3)).isoformat()},
                         format="json")
    assert blind.status_code == 428  # an edit carries the version it read
    before = manager.post(url, {"start_date": (decided_on - dt.timedelta(days=1)).isoformat(),
                                "version": version}, format="json")
    assert before.status_code == 400
    assert "on or after the date of the decision" in before.json()["errors"]["start_date"][0]
    moved = manager.post(url, {"start_date": (decided_on + dt.timedelta(days=3)).isoformat(),
                               "version": version}, format="json")
    assert moved.status_code == 200, moved.json()
    episode.refresh_from_db()
    assert episode.start_date == decided_on + dt.timedelta(days=3)
    # The focus children recorded at the opening moved with it.
    assert set(FocusChild.objects.filter(episode=episode).values_list("started_on", flat=True)) \
        == {episode.start_date}
    # Nothing recorded in the episode may come before its start.
    Assessment.objects.create(episode=episode, started_on=episode.start_date,
                              completing_organisation=world.council)
    later = manager.post(url, {"start_date": (episode.start_date + dt.timedelta(days=1))
                               .isoformat(), "version": episode.version}, format="json")
    assert later.status_code == 400
    assert "an assessment started" in later.json()["errors"]["start_date"][0]


def test_a_manager_adds_and_ends_focus_children_with_dates(world):
    episode = open_episode(world)
    children = [m.person for m in world.family.memberships.filter(role="child")]
    sibling = Person.objects.create(given_name="Sib", family_name="Taylor",
                                    date_of_birth=dt.date(2018, 1, 1))
    world.family.memberships.create(person=sibling, role="child", start_date=dt.date(2018, 1, 1))
    manager = client_for(world.manager)
    url = f"/api/episodes/{episode.pk}/focus-children/"
    future = manager.post(url, {"person": str(sibling.pk),
                                "on": (today() + dt.timedelta(days=1)).isoformat()}, format="json")
    assert future.status_code == 400 and "today or in the past" in future.json()["errors"]["on"][0]
    added = manager.post(url, {"person": str(sibling.pk), "on": days_ago(5).isoformat()},
                         format="json")
    assert added.status_code == 200, added.json()
    for child in children:
        ended = manager.post(url, {"person": str(child.pk), "on": days_ago(2).isoformat(),
                                   "ended": True}, format="json")
        assert ended.status_code == 200, ended.json()
    assert set(episode.focus_children.all()) == {sibling}
    history = {(f.person_id, f.started_on, f.ended_on) for f in episode.focus_history.all()}
    assert history == {(c.pk, episode.start_date, days_ago(2)) for c in children} | {
        (sibling.pk, days_ago(5), None)}
    last = manager.post(url, {"person": str(sibling.pk), "ended": True}, format="json")
    assert last.status_code == 409  # an episode keeps a focus child


def test_a_family_new_to_early_help_is_stepped_down_in_one_move(world):
    body = {
        "new_family": {
            "name": "Nowak household", "postcode": "EN5 1AA",
            "members": [
                {"person": {"given_name": "Ola", "family_name": "Nowak",
                            "date_of_birth": "2015-02-02", "sex": "F"}, "role": "child"},
                {"person": {"given_name": "Marta", "family_name": "Nowak",
                            "date_of_birth": "1986-03-03", "sex": "F"}, "role": "parent_carer"},
            ],
        },
        "team": str(world.team.pk), "on": days_ago(3).isoformat(),
        "social_care_decided_on": days_ago(5).isoformat(),
        "reason": "Closed after assessment; referred to early help (RC9).",
    }
    client = client_for(world.worker)
    bad = client.post("/api/episodes/step-down/",
                      {**body, "social_care_decided_on": days_ago(2).isoformat()}, format="json")
    assert bad.status_code == 400
    assert "on or after social care's decision" in bad.json()["errors"]["on"][0]
    assert not Family.objects.filter(name="Nowak household").exists()  # nothing half-made
    response = client.post("/api/episodes/step-down/", body, format="json")
    assert response.status_code == 201, response.json()
    episode = Episode.objects.get(pk=response.json()["id"])
    assert episode.route_in == "step_down" and episode.start_date == days_ago(3)
    assert [p.given_name for p in episode.focus_children.all()] == ["Ola"]
    transition = Transition.objects.get(episode=episode)
    assert (transition.date, transition.social_care_decided_on) == (days_ago(3), days_ago(5))
    assert client.get(f"/api/families/{episode.family_id}/").status_code == 200


def test_whoever_creates_a_family_sees_it_until_it_is_routed(world):
    client = client_for(world.worker)
    created = client.post("/api/families/", {"name": "Lone household"}, format="json")
    assert created.status_code == 201, created.json()
    family_id = created.json()["id"]
    assert client.get(f"/api/families/{family_id}/").status_code == 200
    assert client_for(world.other_worker).get(f"/api/families/{family_id}/").status_code == 404
    # Routed to another team's episode: from then on the usual scope decides.
    family = Family.objects.get(pk=family_id)
    Episode.objects.create(reference="EH999999", family=family, team=world.other_team,
                           start_date=today())
    assert client.get(f"/api/families/{family_id}/").status_code == 404
