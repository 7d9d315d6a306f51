"""The family timeline: every source, newest first, sorted and paginated in the database."""

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from earlyhelp.cases import services as cases
from earlyhelp.people import selectors as people
from earlyhelp.people import services as people_services
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago
from earlyhelp.worklists.timeline import family_timeline

pytestmark = pytest.mark.django_db


def _history(world):
    """A household with one of everything the timeline shows, on known days."""
    episode = journey.open_episode(world)  # contact 60 days ago, decision 59 days ago
    cases.episode_allocate(
        episode=episode, lead_practitioner=world.worker, acting_user=world.manager
    )
    _, need = journey.completed_assessment(world, episode)  # started 55, completed 40 days ago
    plans.plan_start(episode=episode, started_on=days_ago(39), acting_user=world.worker)
    journey.review(world, episode, need, held_days_ago=20, score=6)
    at = timezone.now() - dt.timedelta(days=10)
    cases.case_note_add(
        episode=episode, subject="Home visit", text="Seen.", acting_user=world.worker,
        written_at=at,
    )
    cases.case_note_add(
        episode=episode, subject="Disclosure", text="…", acting_user=world.worker,
        written_at=at + dt.timedelta(hours=1), is_sensitive=True,
    )
    people_services.consent_record(
        person=world.child, kind="share", status="withdrawn", decided_on=days_ago(5),
        acting_user=world.worker,
    )
    return episode


def _timeline(user, world):
    family = people.family_detail(user=user, family_id=world.family.pk)
    return family_timeline(user=user, family=family)


def test_every_source_newest_first(world):
    episode = _history(world)
    events = list(_timeline(world.worker, world))
    titles = [e["title"] for e in events]
    assert titles[:2] == ["Consent to share information: withdrawn", "Case note: Disclosure"]
    assert titles[2:10] == [
        "Case note: Home visit",
        "Review held",
        "Plan started",
        "Early help assessment completed",
        "Early help assessment started",
        f"Early help episode {episode.reference} opened",
        "Front door decision: Early help",
        f"Request for support {episode.contact.reference} received",
    ]
    assert all(t.startswith("Consent") for t in titles[10:])  # the members' earlier consents
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, reverse=True)
    note = next(e for e in events if e["title"] == "Case note: Home visit")
    assert note["has_time"] and note["episode_id"] == episode.pk
    assert note["text"] == f"By {world.worker.display_name}"
    consent = events[0]
    assert consent["text"] == world.child.full_name and consent["episode_id"] is None
    request = events[9]
    assert request["contact_id"] == episode.contact_id and request["kind"] == "contact"
    assert request["text"] == f"From Jo Lead, {world.school.name}"


def test_sensitive_notes_only_for_early_help_staff_and_the_lead(world):
    episode = _history(world)
    family = people.family_detail(user=world.worker, family_id=world.family.pk)

    def titles(user):
        return [e["title"] for e in family_timeline(user=user, family=family)]

    assert "Case note: Disclosure" in titles(world.worker)  # early help staff, by role
    partner = titles(world.partner)
    assert "Case note: Home visit" in partner and "Case note: Disclosure" not in partner
    journey.partner_joins_taf(world, episode, joined_days_ago=10)  # a lead comes from the TAF
    assert "Case note: Disclosure" not in titles(world.partner)  # a TAF member, not the lead
    cases.episode_allocate(
        episode=episode, lead_practitioner=world.partner, acting_user=world.manager
    )
    assert "Case note: Disclosure" in titles(world.partner)  # now the lead practitioner


def test_a_page_is_one_query_whatever_the_history(world, django_assert_num_queries):
    _history(world)
    family = people.family_detail(user=world.worker, family_id=world.family.pk)
    whole = list(family_timeline(user=world.worker, family=family))
    assert len(whole) > 6
    with django_assert_num_queries(1):  # the page's rows, with the count of all of them
        page = family_timeline(user=world.worker, family=family).page("2", 3)
        rows = list(page)
    assert page.number == 2
    assert page.paginator.count == len(whole)
    assert [r["title"] for r in rows] == [e["title"] for e in whole[3:6]]
    with django_assert_num_queries(1):  # a short only page: Paginator asks for [0:count]
        page = family_timeline(user=world.worker, family=family).page(None, 50)
        assert [r["title"] for r in page] == [e["title"] for e in whole]
    # A Paginator on its own: the count, then the page's rows.
    with django_assert_num_queries(2):
        page = Paginator(family_timeline(user=world.worker, family=family), 3).get_page(2)
        rows = list(page)
    assert page.paginator.count == len(whole)
    assert [r["title"] for r in rows] == [e["title"] for e in whole[3:6]]


def test_pages_past_the_end_or_not_numbers_are_the_last_or_first(world):
    _history(world)
    family = people.family_detail(user=world.worker, family_id=world.family.pk)
    whole = [e["title"] for e in family_timeline(user=world.worker, family=family)]
    last = (len(whole) - 1) // 3 + 1
    for asked, number in (("99", last), ("0", last), ("-1", last), ("x", 1), (None, 1)):
        page = family_timeline(user=world.worker, family=family).page(asked, 3)
        assert page.number == number, asked
        assert [e["title"] for e in page] == whole[(number - 1) * 3 : number * 3], asked
        assert page.paginator.count == len(whole)


def test_a_family_with_no_history_is_one_query(world, django_assert_num_queries):
    from earlyhelp.people.models import Family
    from earlyhelp.people.tests.factories import family_with_members

    family = Family.objects.prefetch_related("memberships__person").get(
        pk=family_with_members(consent=False).pk
    )
    with django_assert_num_queries(1):
        page = family_timeline(user=world.manager, family=family).page(None, 3)
        assert page.paginator.count == 0
        assert list(page) == []


def test_within_a_day_an_undated_time_comes_first_then_the_times_newest_first(world):
    """An event known only by its date (a consent decision) heads its day; the timed ones
    follow newest first; the next day's earliest event is above them all."""
    episode = journey.open_episode(world)
    day = days_ago(3)
    zone = timezone.get_current_timezone()

    def at(date, hour, minute=0):
        return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=zone)

    for subject, when in (("Morning", at(day, 9)), ("Afternoon", at(day, 15)),
                          ("Next day early", at(day + dt.timedelta(days=1), 0, 10)),
                          ("Day before late", at(day - dt.timedelta(days=1), 23, 50))):
        cases.case_note_add(episode=episode, subject=subject, text=".", acting_user=world.worker,
                            written_at=when)
    people_services.consent_record(
        person=world.child, kind="share", status="withdrawn", decided_on=day,
        acting_user=world.worker,
    )
    titles = [e["title"] for e in _timeline(world.worker, world)
              if e["title"].startswith(("Case note", "Consent to share information: withdrawn"))]
    assert titles == [
        "Case note: Next day early",
        "Consent to share information: withdrawn",
        "Case note: Afternoon",
        "Case note: Morning",
        "Case note: Day before late",
    ]
