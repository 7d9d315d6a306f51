"""core.bulk.insert_rows stores what save() stores, column for column (executemany on SQLite,
COPY on PostgreSQL), though it skips the per-value conversion for plain values."""

import datetime as dt
import uuid

import pytest
from django.db import connection

from earlyhelp.core import audit, bulk
from earlyhelp.core.codes import Sex
from earlyhelp.core.models import AuditAction, AuditEvent
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.people.models import Person

pytestmark = pytest.mark.django_db


def _raw(model, pk) -> dict:
    """The row as the database holds it (no field conversion on the way back)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {column} = %s",
                       [model._meta.pk.get_db_prep_value(pk, connection)])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _person(user, **extra):
    return Person(given_name="Amira", family_name="Khan", date_of_birth=dt.date(2014, 2, 3),
                  sex=Sex.FEMALE, ethnicity="WBRI", disabilities=["autism", {"a": 1}],
                  nhs_number="", local_id="L1", created_by=user, modified_by=user, **extra)


def test_inserted_rows_hold_what_save_writes():
    user = UserFactory()
    saved = _person(user)
    saved.save(force_insert=True)
    inserted = [_person(user), _person(user, known_as="Mira")]
    bulk.insert_rows(Person, inserted)
    rows = [_raw(Person, p.pk) for p in (saved, *inserted)]
    for row in rows:
        row.pop("id")
        row.pop("created_at", None), row.pop("modified_at", None)
    assert rows[1] == rows[0]
    assert rows[2] == {**rows[0], "known_as": "Mira"}
    assert Person.objects.get(pk=inserted[0].pk).disabilities == ["autism", {"a": 1}]


def test_inserted_audit_rows_hold_what_record_writes():
    user = UserFactory()
    family, person = uuid.uuid4(), uuid.uuid4()
    kwargs = {"user": user, "action": AuditAction.CHANGE, "object_type": "people.person",
              "object_id": "7", "family_id": family, "person_id": person,
              "changes": {"when": "2026-01-02", "n": [1, None]}, "reason": "imported history"}
    recorded = audit.record(**kwargs)
    built = audit.build(**kwargs)
    built.at = recorded.at
    audit.record_many([built])
    row, again = (_raw(AuditEvent, e.pk) for e in AuditEvent.objects.order_by("pk"))
    row.pop("id"), again.pop("id")
    assert again == row
    assert AuditEvent.objects.filter(family_id=family, person_id=person).count() == 2


def test_inserting_rows_counts_as_one_query_on_either_database(django_assert_num_queries):
    """COPY bypasses Django's cursor wrapper; it is logged by hand, so the pinned query counts
    of everything that inserts in bulk are the same on SQLite and PostgreSQL."""
    user = UserFactory()
    with django_assert_num_queries(1) as captured:
        bulk.insert_rows(Person, [_person(user), _person(user)])
    assert Person.objects.count() == 2
    assert "people_person" in captured.captured_queries[0]["sql"]


def test_inserted_values_hold_what_save_writes():
    """insert_values converts only the columns the driver cannot take as they are (SQLite: UUIDs,
    dates, datetimes, JSON; PostgreSQL: JSON): the rows are save()'s, column for column."""
    user = UserFactory()
    saved = _person(user)
    saved.save(force_insert=True)
    attnames = [f.attname for f in Person._meta.concrete_fields]
    rows = []
    for extra in ({}, {"known_as": "Mira"}):
        person = _person(user, **extra)
        person.created_at, person.modified_at = saved.created_at, saved.modified_at
        rows.append(tuple(getattr(person, name) for name in attnames))
    bulk.insert_values(Person, attnames, rows)
    raw = [_raw(Person, pk) for pk in (saved.pk, rows[0][0], rows[1][0])]
    for row in raw:
        row.pop("id")
    assert raw[1] == raw[0]
    assert raw[2] == {**raw[0], "known_as": "Mira"}
    assert Person.objects.get(pk=rows[0][0]).disabilities == ["autism", {"a": 1}]


def test_json_text_is_written_as_it_is_and_any_other_value_encoded():
    """A JSONText value is JSON already; a plain string is a JSON string, encoded like a dict."""
    user = UserFactory()
    attnames = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    built = audit.build(user=user, action=AuditAction.CHANGE, object_type="people.person",
                        object_id="7", changes={"n": [1, None]}, reason="imported history")
    row = [getattr(built, name) for name in attnames]
    where = attnames.index("changes")
    bulk.insert_values(AuditEvent, attnames, [
        (*row[:where], value, *row[where + 1:])
        for value in ({"n": [1, None]}, bulk.JSONText('{"n": [1, null]}'), '{"n": 1}')])
    read = [e.changes for e in AuditEvent.objects.order_by("pk")]
    assert read == [{"n": [1, None]}, {"n": [1, None]}, '{"n": 1}']
    first, second, _ = (_raw(AuditEvent, e.pk) for e in AuditEvent.objects.order_by("pk"))
    assert first["changes"] == second["changes"]
