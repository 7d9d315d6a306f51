"""Significant notes (marked, unmarked, audited; on the chronology, sensitive ones only for those
who may read them) and a child's chronology across the households they lived in."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from earlyhelp.cases import services as cases
from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.documents.chronology import family_chronology, person_chronology
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def _note(world, episode, subject, **flags):
    return cases.case_note_add(episode=episode, subject=subject, text=f"{subject} text",
                               acting_user=world.worker, **flags)


def _whats(events):
    return [e.what for e in events]


def test_marking_a_note_significant_puts_it_on_the_chronology_and_is_audited(
        world, episode, client):
    note = _note(world, episode, "Home visit")
    assert "Case note: Home visit" not in _whats(family_chronology(family=world.family,
                                                                   user=world.worker))
    verified_login(client, world.worker)
    url = reverse("web:note_significant", args=[episode.pk, note.pk])
    assert client.get(url).status_code == 405  # a change is a POST
    response = client.post(url, {"significant": "yes"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.is_significant
    change = AuditEvent.objects.get(action="change", object_id=str(note.pk))
    assert "is_significant" in str(change.changes)
    events = family_chronology(family=world.family, user=world.worker)
    [event] = [e for e in events if e.kind == "note"]
    assert (event.what, event.episode) == ("Case note: Home visit", episode.reference)
    assert "Significant" in text(client.get(reverse("web:notes", args=[episode.pk])))

    assert client.post(url, {"significant": "no"}).status_code == 302
    note.refresh_from_db()
    assert not note.is_significant
    assert AuditEvent.objects.filter(action="change", object_id=str(note.pk)).count() == 2
    assert not [e for e in family_chronology(family=world.family, user=world.worker)
                if e.kind == "note"]


def test_a_note_can_be_significant_when_written_and_who_may_not_mark(world, episode, client):
    verified_login(client, world.worker)
    response = client.post(reverse("web:note_add", args=[episode.pk]), {
        "subject": "Disclosure at school", "text": "Told the teacher.", "is_significant": "on"})
    assert response.status_code == 302
    note = episode.notes.get()
    assert note.is_significant
    journey.partner_joins_taf(world, episode)  # sees the episode, may not write notes
    verified_login(client, world.partner)
    url = reverse("web:note_significant", args=[episode.pk, note.pk])
    assert client.post(url, {"significant": "no"}).status_code == 403
    verified_login(client, world.other_worker)  # out of scope
    assert client.post(url, {"significant": "no"}).status_code == 404
    note.refresh_from_db()
    assert note.is_significant


def test_a_sensitive_significant_note_shows_only_to_those_who_may_read_it(world, episode):
    _note(world, episode, "Domestic abuse disclosure", is_sensitive=True, is_significant=True)
    journey.partner_joins_taf(world, episode)
    assert "Case note: Domestic abuse disclosure" in _whats(
        family_chronology(family=world.family, user=world.worker))
    assert "Case note: Domestic abuse disclosure" not in _whats(
        family_chronology(family=world.family, user=world.partner))
    assert "Case note: Domestic abuse disclosure" not in _whats(
        family_chronology(family=world.family))  # no user: fails closed


@pytest.fixture
def moved_child(world, episode):
    """The world's child also lived with their father (joined two years ago, still there) and,
    long ago, with their grandmother (left in 2014); each household has an episode now. A third
    household, in another service, is out of the worker's scope."""
    child = world.child
    father = FamilyFactory(name="Hill household")
    MembershipFactory(family=father, person=child, start_date=days_ago(730))
    father_episode = journey.open_episode(world, family=father)
    grandmother = FamilyFactory(name="Stone household")
    MembershipFactory(family=grandmother, person=child, start_date=dt.date(2012, 1, 1),
                      end_date=dt.date(2014, 6, 30))
    grandmother_episode = journey.open_episode(world, family=grandmother)
    hidden = FamilyFactory(name="Hidden household")
    MembershipFactory(family=hidden, person=child, start_date=days_ago(100))
    cases.episode_step_down(family=hidden, team=world.other_team, on=days_ago(80),
                            reason="Closed by CSC", acting_user=world.other_worker)
    return dataclasses.make_dataclass("Moved", ["child", "father", "father_episode",
                                                 "grandmother", "grandmother_episode"])(
        child, father, father_episode, grandmother, grandmother_episode)


def test_a_childs_chronology_spans_their_households_while_they_lived_there(
        world, episode, moved_child, django_assert_num_queries):
    m = moved_child
    _note(world, episode, "Child seen alone", is_significant=True)
    _note(world, episode, "Phone call")
    with django_assert_num_queries(11):
        events = person_chronology(person=m.child, user=world.worker)
    episodes = {e.episode for e in events if e.what == "Early help episode opened"}
    assert episodes == {episode.reference, m.father_episode.reference}  # not grandmother's
    households = {e.household for e in events}
    assert {world.family.name, "Hill household", "Stone household"} <= households
    assert "Hidden household" not in households
    joined = [e for e in events if e.kind == "household"]
    assert [(e.what, e.household, e.on) for e in joined[:2]] == [
        ("Joined the household (Child)", "Stone household", dt.date(2012, 1, 1)),
        ("Left the household", "Stone household", dt.date(2014, 6, 30))]
    assert "Case note: Child seen alone" in _whats(events)
    assert "Case note: Phone call" not in _whats(events)
    assert [e.on for e in events] == sorted(e.on for e in events)


def test_a_childs_chronology_page_filter_and_pdf(world, episode, moved_child, client):
    m = moved_child
    _note(world, episode, "Child seen alone", is_significant=True)
    verified_login(client, world.worker)
    url = reverse("documents:person_chronology", args=[m.child.pk])
    page = text(client.get(url))
    assert f"Chronology: {m.child.full_name}" in page
    assert "Hill household" in page and "Early help episode opened" in page
    assert "Hidden household" not in page
    notes_only = text(client.get(url, {"show": "note"}))
    assert "Case note: Child seen alone" in notes_only
    assert "Early help episode opened" not in notes_only
    assert AuditEvent.objects.filter(action="view", detail="chronology",
                                     person_id=m.child.pk).exists()
    response = client.get(reverse("documents:person_chronology_pdf", args=[m.child.pk]),
                          {"show": "note"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="export", detail="chronology PDF",
                                     person_id=m.child.pk).exists()
    # The family page links to each member's chronology.
    assert url in client.get(reverse("web:family_detail", args=[world.family.pk])
                             ).content.decode()


def test_a_childs_chronology_is_scoped_as_their_record(world, episode, client):
    for user in (world.other_worker, world.analyst, world.admin):
        verified_login(client, user)
        for name in ("person_chronology", "person_chronology_pdf"):
            response = client.get(reverse(f"documents:{name}", args=[world.child.pk]))
            assert response.status_code == 404, (user.role, name)
    assert not AuditEvent.objects.filter(action="export", detail="chronology PDF").exists()
