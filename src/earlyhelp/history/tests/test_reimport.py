"""A later extract updates by source id, adds what is new, and never duplicates a person."""

import datetime as dt

import pytest

from earlyhelp.cases.models import ClosureOutcome, Episode
from earlyhelp.frontdoor.models import Contact
from earlyhelp.history import services
from earlyhelp.history.models import MatchReview, SourceRecord
from earlyhelp.people.models import Family, Membership, Person
from earlyhelp.people.tests.factories import PersonFactory

from .conftest import SMALL, edit

pytestmark = pytest.mark.django_db


def run(directory, manager):
    result = services.history_import(source=directory, acting_user=manager, source_system="Mosaic")
    assert result.ok, result.problems
    return result


def test_the_same_extract_twice_changes_nothing(manager):
    run(SMALL, manager)
    counts = (Person.objects.count(), Family.objects.count(), Contact.objects.count(),
              Episode.objects.count(), Membership.objects.count(), SourceRecord.objects.count())
    again = run(SMALL, manager)
    assert not again.created and not again.updated
    assert again.unchanged["people"] == 6 and again.unchanged["contacts"] == 4
    assert (Person.objects.count(), Family.objects.count(), Contact.objects.count(),
            Episode.objects.count(), Membership.objects.count(),
            SourceRecord.objects.count()) == counts


def test_a_later_extract_updates_closes_and_adds(manager, extract):
    run(SMALL, manager)
    edit(extract, "ssd_person", "P4,Tom,Evans", "P4,Tom,Evans-Wright")
    (extract / "ssd_person.csv").write_text(
        (extract / "ssd_person.csv").read_text() + "P7,Ivy,Evans,F,,WBRI,2026-01-05,,,,,,,,\n")
    (extract / "ssd_family.csv").write_text(
        (extract / "ssd_family.csv").read_text() + "6,F2,P7\n")
    edit(extract, "ssd_early_help_episodes", "E3,P1,2026-03-01,,Parenting and family dynamics,,",
         "E3,P1,2026-03-01,2026-06-01,Parenting and family dynamics,Outcomes met,")
    later = run(extract, manager)
    assert later.created == {"people": 1, "memberships": 1}
    assert later.updated == {"people": 1, "episodes": 1}
    assert Person.objects.count() == 7
    assert Person.objects.get(given_name="Tom").family_name == "Evans-Wright"
    ivy = Person.objects.get(given_name="Ivy")
    evans = Family.objects.get(memberships__person__given_name="Lily")
    assert Membership.objects.get(person=ivy).family == evans
    e3 = Episode.objects.get(pk=SourceRecord.objects.get(source_id="E3").object_id)
    assert (e3.status, e3.end_date, e3.closure_outcome) == (
        "closed", dt.date(2026, 6, 1), ClosureOutcome.NEEDS_MET)
    assert Episode.objects.count() == 5


def test_someone_already_here_is_matched_by_nhs_number_not_duplicated(manager):
    amira = PersonFactory(given_name="Amira", family_name="Khan-Ali", nhs_number="9434765919",
                          date_of_birth=dt.date(2015, 3, 2))
    result = run(SMALL, manager)
    assert result.matched == 1 and result.created["people"] == 5
    assert Person.objects.count() == 6
    assert SourceRecord.objects.get(source_id="P1").object_id == str(amira.pk)
    assert Episode.objects.filter(focus_children=amira).count() == 3


def test_an_identifier_without_the_date_of_birth_goes_to_review_not_a_silent_merge(manager):
    # The same NHS number as Amira's, but another date of birth: not the same certainty.
    other = PersonFactory(given_name="Amira", family_name="Khan", nhs_number="9434765919",
                          date_of_birth=dt.date(2015, 3, 3))
    result = run(SMALL, manager)
    assert result.matched == 0 and result.reviews == 1
    # Amira waits, with her household (F1: Bilal, Sara) and its contacts and episodes.
    assert result.waiting == 3
    assert not Person.objects.filter(given_name__in=["Amira", "Bilal", "Sara"]).exclude(
        pk=other.pk).exists()
    assert Person.objects.count() == 4  # Tom, Lily, Noah and the one already here
    [review] = services.open_reviews()
    assert (review.candidate, review.source_id, review.incoming["given_name"]) == (
        other, "P1", "Amira")
    assert "shares an identifier" in review.reason
    assert MatchReview.objects.filter(resolved=False).count() == 1
