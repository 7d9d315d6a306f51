"""Annex A's derived rows after a history import: the import names the contacts it wrote, so
only their rows are built – the rows already there are left as they were, and every row still
equals what the records say."""

import pytest

from earlyhelp.frontdoor.models import Contact
from earlyhelp.history import services
from earlyhelp.history.models import SourceRecord
from earlyhelp.insights import annexarows
from earlyhelp.insights.models import AnnexAContactRow
from earlyhelp.people.models import Person

from .conftest import SMALL, edit

pytestmark = pytest.mark.django_db


def run(directory, manager):
    result = services.history_import(source=directory, acting_user=manager, source_system="Mosaic")
    assert result.ok, result.problems
    return result


def rows_by_contact() -> dict:
    return {str(contact): pk for contact, pk in AnnexAContactRow.objects.values_list(
        "contact_id", "pk")}


def test_a_first_import_builds_a_row_for_each_subject_of_its_contacts(manager):
    run(SMALL, manager)
    assert AnnexAContactRow.objects.count() == Contact.objects.count() == 4
    assert annexarows.differences() == []


def test_a_later_import_builds_only_its_new_contacts_rows(manager, extract):
    run(SMALL, manager)
    before = rows_by_contact()
    (extract / "ssd_contacts.csv").write_text(
        (extract / "ssd_contacts.csv").read_text() + "C5,P4,2025-10-02,6,Police,\n")
    run(extract, manager)
    after = rows_by_contact()
    new = SourceRecord.objects.get(source_id="C5").object_id
    assert set(after) == set(before) | {str(new)}
    # A full rebuild deletes and inserts every row: the rows already there keep their ids.
    assert {contact: after[contact] for contact in before} == before
    assert annexarows.differences() == []


def test_a_person_changed_by_a_later_import_has_their_rows_rebuilt(manager, extract):
    run(SMALL, manager)
    amira = Person.objects.get(given_name="Amira")
    assert set(AnnexAContactRow.objects.filter(person=amira).values_list(
        "date_of_birth", flat=True)) == {amira.date_of_birth}
    edit(extract, "ssd_person", "P1,Amira,Khan,F,,APKN,2015-03-02",
         "P1,Amira,Khan,F,,APKN,2015-04-02")
    run(extract, manager)
    amira.refresh_from_db()
    assert str(amira.date_of_birth) == "2015-04-02"
    assert set(AnnexAContactRow.objects.filter(person=amira).values_list(
        "date_of_birth", flat=True)) == {amira.date_of_birth}
    assert annexarows.differences() == []

