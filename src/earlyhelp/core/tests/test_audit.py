import pytest

from earlyhelp.core import audit
from earlyhelp.core.models import AuditEvent


@pytest.mark.django_db
def test_rows_are_chained_and_verify():
    for n in range(5):
        audit.record(user=None, action="view", object_type="x", object_id=str(n))
    check = audit.verify_chain()
    assert check.ok and check.rows_checked == 5
    rows = list(AuditEvent.objects.order_by("id"))
    assert all(b.previous_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


@pytest.mark.django_db
def test_a_changed_row_is_named_as_the_first_broken_one():
    events = [audit.record(user=None, action="view", object_id=str(n)) for n in range(4)]
    AuditEvent.objects.filter(pk=events[2].pk).update(detail="edited afterwards")
    check = audit.verify_chain()
    assert not check.ok and check.first_broken_id == events[2].pk
    assert "does not match" in check.problem


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_link_of_the_next():
    events = [audit.record(user=None, action="view", object_id=str(n)) for n in range(4)]
    AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(AuditEvent.objects.db)
    check = audit.verify_chain()
    assert not check.ok and check.first_broken_id == events[2].pk


@pytest.mark.django_db
def test_rows_cannot_be_saved_again_or_deleted():
    event = audit.record(user=None, action="view")
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.django_db
def test_audit_row_rolls_back_with_the_work():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(user=None, action="create")
        raise RuntimeError
    assert AuditEvent.objects.count() == 0
