"""Checks on audit rows for tests."""

from earlyhelp.core import audit
from earlyhelp.core.models import AuditEvent


def _columns(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields
            if f.attname not in ("id", "at")}


def assert_newest_view_row_is_record_views(**record_view_kwargs) -> None:
    """The newest view row holds, column for column (but its id and time), what
    audit.record_view(**record_view_kwargs) writes: a read that writes its row another way
    (core.audited_read, PostgreSQL only) must leave the same row. On SQLite both rows are
    record_view's: the comparison bites in `make test-postgres` (CI runs both)."""
    written = AuditEvent.objects.filter(action="view").latest("id")
    audit.record_view(**record_view_kwargs)
    reference = AuditEvent.objects.filter(action="view").latest("id")
    assert reference.pk != written.pk
    assert _columns(written) == _columns(reference)
    assert abs((reference.at - written.at).total_seconds()) < 60
