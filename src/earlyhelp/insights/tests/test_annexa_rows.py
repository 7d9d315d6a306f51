"""Annex A served from its stored rows (annexarows): after every kind of write the lists equal
the lists counted live from the records, and say what the write changed; a write around the
services is found by the check and set right by --fix or refresh()."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from earlyhelp.assessments import services as assessments
from earlyhelp.core.dates import today
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor.models import Contact, ContactPerson
from earlyhelp.insights import annexa, annexarows
from earlyhelp.insights.models import AnnexAAssessmentRow, AnnexAContactRow
from earlyhelp.people import services as people
from earlyhelp.testing.journey import open_episode, raise_contact
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


def lists(on=None):
    """Both lists served from the stored rows, asserted equal to the live lists and the check
    clean."""
    on = on or today()
    one, two = annexa.list_1_rows(on), annexa.list_2_rows(on)
    assert one == annexa.list_1_rows(on, live=True)
    assert two == annexa.list_2_rows(on, live=True)
    assert annexarows.differences() == []
    return one, two


def ids(rows):
    return sorted(row[0] for row in rows)


def cid(person):
    return annexa.child_unique_id(person.pk, person.local_id)


def sibling(world):
    return world.family.memberships.filter(role="child").exclude(
        person=world.child).get().person


def start(world, episode, children=None):
    return assessments.assessment_start(
        episode=episode, started_on=days_ago(50), completing_organisation=world.school,
        acting_user=world.worker, children=children,
    )


def test_a_recorded_contact_lists_its_subject_children_at_once(world):
    assert lists() == ([], [])
    contact = raise_contact(world, received_days_ago=10)
    one, _ = lists()
    assert ids(one) == sorted([cid(world.child), cid(sibling(world))])
    assert {row[5] for row in one} == {timezone.localtime(contact.received_at).date()}
    assert cid(world.parent) not in ids(one)  # on the contact, not a subject


def test_a_subject_removed_or_added_and_a_link_deleted(world):
    contact = raise_contact(world, received_days_ago=10)
    link = ContactPerson.objects.get(contact=contact, person=world.child)
    link.is_subject = False
    link.save()
    assert ids(lists()[0]) == [cid(sibling(world))]
    link.is_subject = True
    link.save()
    assert ids(lists()[0]) == sorted([cid(world.child), cid(sibling(world))])
    ContactPerson.objects.filter(contact=contact, person=sibling(world)).delete()
    assert ids(lists()[0]) == [cid(world.child)]


def test_a_corrected_date_of_birth_id_sex_and_ethnicity_show_at_once(world):
    raise_contact(world, received_days_ago=10)
    start(world, open_episode(world))
    people.person_update(person=world.child, acting_user=world.worker,
                         date_of_birth=dt.date(2019, 3, 2), local_id="LA-9", sex="F",
                         ethnicity="WIRT")
    one, two = lists()
    for rows in (one, two):
        row = next(r for r in rows if r[0] == "LA-9")
        assert row[1:4] == ["b) Female", annexa.ETHNICITY_LABELS["WIRT"], dt.date(2019, 3, 2)]


def test_a_child_turning_18_before_the_contact_drops_out_when_the_date_is_corrected(world):
    open_episode(world)
    people.person_update(person=world.child, acting_user=world.worker,
                         date_of_birth=dt.date(2000, 1, 1))
    assert cid(world.child) not in ids(lists()[0])


def test_an_assessment_started_completed_and_its_children_changed(world):
    episode = open_episode(world)
    assessment = start(world, episode, children=[world.child])
    _, two = lists()
    assert [(r[0], r[5], r[6], r[7]) for r in two] == [
        (cid(world.child), days_ago(50), None, world.school.name)]
    assessments.assessment_children_set(assessment=assessment, acting_user=world.worker,
                                        children=[sibling(world)])
    assert ids(lists()[1]) == [cid(sibling(world))]
    assessments.presenting_need_add(assessment=assessment, theme=world.themes[0],
                                    baseline_score=3, acting_user=world.worker)
    assessments.assessment_update(assessment=assessment, acting_user=world.worker,
                                  voice_of_child="Fine")
    assessments.assessment_complete(assessment=assessment, completed_on=days_ago(5),
                                    acting_user=world.worker)
    _, two = lists()
    assert [(r[0], r[6]) for r in two] == [(cid(sibling(world)), days_ago(5))]


def test_a_deleted_contact_takes_its_rows(world):
    contact = raise_contact(world, received_days_ago=10)
    Contact.objects.filter(pk=contact.pk).delete()
    assert lists() == ([], [])
    assert not AnnexAContactRow.objects.exists()


def test_a_saved_person_costs_one_update_per_list_and_a_new_contact_one_insert(world):
    with CaptureQueriesContext(connection) as captured:
        world.child.save(update_fields=["known_as"])  # nothing Annex A prints
    assert not [q for q in captured if "annexa" in q["sql"]]
    with CaptureQueriesContext(connection) as captured:
        world.child.save()
    assert len([q for q in captured if "annexa" in q["sql"]]) == 2
    with CaptureQueriesContext(connection) as captured:
        raise_contact(world, received_days_ago=10)
    assert len([q for q in captured if "annexa" in q["sql"]]) == 1


def test_a_write_around_the_services_is_found_and_fixed(world, capsys):
    raise_contact(world, received_days_ago=10)
    episode = open_episode(world)
    start(world, episode)
    before = lists()
    # Around the services: a queryset update sends no signal.
    Contact.objects.update(received_at=timezone.now() - dt.timedelta(days=400))
    type(world.child).objects.filter(pk=world.child.pk).update(sex="N")
    assert annexa.list_1_rows(today()) == before[0]  # stale, as the check will say
    found = annexarows.differences()
    assert {(name, kind) for name, kind, _ in found} == {
        ("List 1", "stored"), ("List 1", "missing"), ("List 2", "stored"), ("List 2", "missing")}
    with pytest.raises(SystemExit) as exited:
        call_command("annexa_check")
    assert exited.value.code == 1
    assert "Run with --fix" in capsys.readouterr().err
    assert not AuditEvent.objects.filter(object_type="insights.annexa_rows").exists()
    with pytest.raises(SystemExit):
        call_command("annexa_check", "--fix")
    event = AuditEvent.objects.get(object_type="insights.annexa_rows")
    assert event.changes == {"corrected": len(found)}
    one, two = lists()
    assert one == [] and two and all(r[1] == "d) Neither" for r in two if r[0] == cid(world.child))
    call_command("annexa_check")  # clean now: no exit
    assert "consistent" in capsys.readouterr().out


def test_refresh_rebuilds_both_lists_from_the_records(world):
    raise_contact(world, received_days_ago=10)
    start(world, open_episode(world))
    expected = lists()
    AnnexAContactRow.objects.all().delete()
    AnnexAAssessmentRow.objects.all().delete()
    assert annexa.list_1_rows(today()) == []
    assert annexarows.refresh() == (4, 2)  # two contacts of two subjects; one assessment of two
    assert lists() == expected


def test_a_bulk_write_naming_its_rows_rebuilds_only_those(world):
    from earlyhelp.core import bulk

    first = raise_contact(world, received_days_ago=10)
    second = raise_contact(world, received_days_ago=12)
    assessment = start(world, open_episode(world))
    expected = lists()
    # Around the services: every row goes; the writer names every contact but the first, and
    # the assessment – those are rebuilt, the first contact's rows stay missing (not a full
    # refresh).
    others = list(Contact.objects.exclude(pk=first.pk).values_list("pk", flat=True))
    assert second.pk in others
    AnnexAContactRow.objects.all().delete()
    AnnexAAssessmentRow.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        bulk.written.send(sender=None, contact_ids=others, assessment_ids=[assessment.pk])
    assert len([q for q in captured if "annexa" in q["sql"]]) == 4  # a delete, an insert each
    stored = set(AnnexAContactRow.objects.values_list("contact_id", flat=True))
    assert second.pk in stored and first.pk not in stored
    assert annexa.list_2_rows(today()) == expected[1]
    assert {kind for _, kind, row in annexarows.differences()} == {"missing"}
    bulk.written.send(sender=None, contact_ids=[first.pk])
    assert lists() == expected
    # Naming nothing (or people changed) rebuilds everything.
    AnnexAContactRow.objects.all().delete()
    bulk.written.send(sender=None)
    assert lists() == expected
