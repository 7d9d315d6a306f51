import datetime as dt
import uuid
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from earlyhelp.core import audit
from earlyhelp.core.models import AuditChainHead, AuditEvent

TABLES = (AuditEvent._meta.db_table, AuditChainHead._meta.db_table)


@contextmanager
def database_admin():
    """Act as someone with direct database access: on PostgreSQL the table owner can switch the
    append-only triggers off (the test's transaction puts them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER waits for no pending checks
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _sealed(n):
    events = [audit.record(user=None, action="view", object_type="x", object_id=str(i))
              for i in range(n)]
    audit.seal()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


@pytest.mark.django_db
def test_a_read_only_inserts_its_row_and_touches_no_shared_row(django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        event = audit.record(user=None, action="view", object_type="x", object_id="1")
    assert queries.captured_queries[0]["sql"].startswith("INSERT")
    assert event.seq is None and event.hash == ""


def _columns_but_id_and_time(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields
            if f.attname not in ("id", "at")}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_view_row_is_the_row_record_writes_for_the_read(signed_in, django_assert_num_queries):
    """record_view writes its row from constants converted once per connection: column for
    column (but id and time) the row record() writes for the same read, a user or none, an
    instance or a model's row, family and person, a detail cut at 300 characters."""
    from earlyhelp.core.models import Organisation, User

    user = User.objects.create_user(username="viewer", password="x") if signed_in else None
    organisation = Organisation.objects.create(name="Read")
    family, person = uuid.uuid4(), uuid.uuid4()
    for kwargs in ({"obj": organisation, "family_id": family, "detail": "d" * 400},
                   {"model": Organisation, "object_id": "42", "person_id": person}):
        with django_assert_num_queries(1):
            audit.record_view(user=user, **kwargs)
        fast = AuditEvent.objects.latest("id")
        obj = kwargs.get("obj")
        slow = audit.record(
            user=user, action="view", obj=obj,
            object_type="" if obj else kwargs["model"]._meta.label_lower,
            object_id=kwargs.get("object_id", ""), family_id=kwargs.get("family_id"),
            person_id=kwargs.get("person_id"), detail=kwargs.get("detail", ""))
        slow.refresh_from_db()
        assert fast.pk != slow.pk
        assert _columns_but_id_and_time(fast) == _columns_but_id_and_time(slow)
        assert abs((slow.at - fast.at).total_seconds()) < 60
    assert fast.object_type == "core.organisation" and fast.object_id == "42"
    assert fast.user_id == (user.pk if user else None)
    assert fast.username == ("viewer" if user else "")


@pytest.mark.django_db
def test_rows_are_sealed_in_order_and_verify():
    rows = _sealed(5)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].previous_hash == ""
    assert all(b.previous_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.sealed_count, head.last_event_id) == (5, rows[-1].pk)
    assert head.last_hash == rows[-1].hash
    check = audit.verify_chain()
    assert check.ok and check.rows_checked == 5 and check.unsealed == 0


@pytest.mark.django_db
def test_sealing_again_extends_the_chain_and_seals_nothing_twice():
    first = _sealed(3)
    assert audit.seal().sealed == 0
    second = _sealed(2)
    assert [r.seq for r in second] == [4, 5]
    assert second[0].previous_hash == first[-1].hash
    assert audit.verify_chain().rows_checked == 5


@pytest.mark.django_db
def test_sealing_in_batches_gives_the_same_chain():
    for i in range(7):
        audit.record(user=None, action="view", object_id=str(i))
    result = audit.seal(batch_size=3)
    assert result.sealed == 7 and result.sealed_count == 7
    assert audit.verify_chain(batch_size=2).ok


@pytest.mark.django_db
def test_a_changed_row_is_named_as_the_first_broken_one():
    events = _sealed(4)
    with database_admin():
        AuditEvent.objects.filter(pk=events[2].pk).update(detail="edited afterwards")
    check = audit.verify_chain()
    assert not check.ok and check.first_broken_id == events[2].pk
    assert "does not match" in check.problem


@pytest.mark.django_db
def test_a_deleted_middle_row_is_detected_at_the_next():
    events = _sealed(4)
    with database_admin() as cursor:
        cursor.execute(f"DELETE FROM {TABLES[0]} WHERE id = %s", [events[1].pk])
    check = audit.verify_chain()
    assert not check.ok and check.first_broken_id == events[2].pk
    assert check.rows_checked == 1


@pytest.mark.django_db
@pytest.mark.parametrize("removed", [1, 2])
def test_deleting_the_newest_rows_is_detected(removed):
    events = _sealed(5)
    with database_admin() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLES[0]} WHERE id >= %s", [events[-removed].pk]
        )
    check = audit.verify_chain()
    assert not check.ok
    assert check.rows_checked == 5 - removed
    assert "newest rows removed" in check.problem
    assert check.first_broken_id == events[-1].pk
    with pytest.raises(audit.ChainBroken, match="newest rows removed"):
        audit.seal()  # the sealer will not seal over the gap


@pytest.mark.django_db
def test_deleting_the_head_is_detected():
    _sealed(3)
    with database_admin() as cursor:
        cursor.execute(f"DELETE FROM {TABLES[1]}")
    check = audit.verify_chain()
    assert not check.ok and "head is missing" in check.problem
    with pytest.raises(audit.ChainBroken, match="head is missing"):
        audit.seal()


@pytest.mark.django_db
def test_shortening_the_chain_and_rewriting_the_head_is_detected_by_its_signature():
    events = _sealed(5)
    keep = events[2]
    with database_admin() as cursor:
        cursor.execute(f"DELETE FROM {TABLES[0]} WHERE id > %s", [keep.pk])
        cursor.execute(
            f"UPDATE {TABLES[1]} SET sealed_count = 3, last_event_id = %s, last_hash = %s",
            [keep.pk, keep.hash],
        )
    check = audit.verify_chain()
    assert not check.ok and "signature is wrong" in check.problem
    with pytest.raises(audit.ChainBroken, match="signature"):
        audit.seal()


@pytest.mark.django_db
def test_unsealed_rows_older_than_the_bound_are_reported():
    _sealed(2)
    old = AuditEvent(at=timezone.now() - dt.timedelta(minutes=30), action="view", object_id="o")
    old.save(force_insert=True)
    audit.record(user=None, action="view", object_id="new")
    check = audit.verify_chain(bound=dt.timedelta(minutes=10))
    assert not check.ok
    assert (check.unsealed, check.stale_unsealed, check.first_broken_id) == (2, 1, old.pk)
    assert "not sealed" in check.problem
    assert audit.verify_chain(bound=dt.timedelta(hours=1)).ok  # within a wider bound: fine
    audit.seal()
    assert audit.verify_chain(bound=dt.timedelta(minutes=10)).ok


@pytest.mark.django_db
def test_rows_cannot_be_saved_again_or_deleted():
    event = audit.record(user=None, action="view")
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.django_db
def test_audit_row_rolls_back_with_the_work():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(user=None, action="create")
        raise RuntimeError
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_postgresql_refuses_edits_and_deletes_of_sealed_rows_and_the_head():
    events = _sealed(2)
    table_event, table_head = TABLES
    refused = [
        (f"UPDATE {table_event} SET detail = 'x' WHERE id = %s", [events[0].pk]),
        (f"UPDATE {table_event} SET hash = 'x' WHERE id = %s", [events[0].pk]),
        (f"DELETE FROM {table_event} WHERE id = %s", [events[1].pk]),
        (f"DELETE FROM {table_head}", []),
        (f"UPDATE {table_head} SET sealed_count = 1", []),
    ]
    for sql, params in refused:
        with pytest.raises(DatabaseError, match="append-only|only moves forward"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
    unsealed = audit.record(user=None, action="view")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():  # only the place and hashes may be set, not the content
            AuditEvent.objects.filter(pk=unsealed.pk).update(seq=3, detail="changed")
    assert audit.seal().sealed == 1 and audit.verify_chain().ok


@pytest.mark.django_db
def test_a_place_in_the_chain_is_held_by_one_row_and_unsealed_rows_share_none():
    from django.db import IntegrityError

    sealed = _sealed(2)
    unsealed = [audit.record(user=None, action="view", object_type="x") for _ in range(3)]
    # Many rows wait for a place together (the unique index is partial: seq set only) …
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 3
    # … but a place already held cannot be given again, and the refusal changes nothing.
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=unsealed[0].pk).update(seq=sealed[0].seq)
    assert AuditEvent.objects.get(pk=unsealed[0].pk).seq is None
    assert audit.seal().sealed == 3 and audit.verify_chain().ok
