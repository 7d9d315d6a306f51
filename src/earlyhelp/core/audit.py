"""Writing, sealing and verifying the audit trail.

Every service and selector that touches a family's data calls `record()` inside its transaction,
so the audit row commits or rolls back with the work it describes. `seal()` (run every minute by
`earlyhelp audit_seal`) chains committed rows by hash; `verify_chain()` checks the chain and its
signed head (decision 0002).
"""

import datetime as dt
import hashlib
import json
import weakref
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from . import bulk, prepared
from .models import AuditAction, AuditChainHead, AuditEvent


def _row_digest(previous_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        [
            previous_hash,
            event.at.isoformat(),
            str(event.user_id or ""),
            event.username,
            event.action,
            event.object_type,
            event.object_id,
            str(event.family_id or ""),
            str(event.person_id or ""),
            event.changes,
            event.reason,
            event.detail,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    *,
    user,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    family_id=None,
    person_id=None,
    changes: dict | None = None,
    reason: str = "",
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit row: a single INSERT, in the caller's transaction when there is one, so
    the row commits or rolls back with the work. No shared row is touched: the sealer chains it
    later (`seal()`)."""
    event = build(user=user, action=action, obj=obj, object_type=object_type,
                  object_id=object_id, family_id=family_id, person_id=person_id, changes=changes,
                  reason=reason, detail=detail, ip_address=ip_address)
    _insert(event)
    return event


# connection -> (INSERT … RETURNING id, [(attname, to the driver's value)])
_inserts = weakref.WeakKeyDictionary()


def _insert_of_a_row(connection) -> tuple[str, list, list]:
    """An audit row's INSERT here (every column but the id), its fields and each one's converter
    to the driver's value (core.bulk: as save() would write them)."""
    fields = bulk.fields_written(AuditEvent)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(AuditEvent._meta.db_table)} "
           f"({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    return sql, fields, bulk.converters(fields, connection, remember_datetimes=False)


def _insert(event: AuditEvent) -> None:
    """The row's INSERT, written once per connection and run prepared on PostgreSQL
    (core.prepared.cursor), its id read back as save() would: every audited page view makes one,
    and Model.save's machinery (signals, field-by-field preparation, SQL compiled per call) cost
    more than the insert (issue 19). Values go through each field's own get_db_prep_save
    (core.bulk's converters), as save() would write them."""
    connection = connections[router.db_for_write(AuditEvent)]
    statement = _inserts.get(connection)
    if statement is None:
        sql, fields, converters = _insert_of_a_row(connection)
        sql += f" RETURNING {connection.ops.quote_name('id')}"
        statement = _inserts[connection] = (
            sql, [(f.attname, c) for f, c in zip(fields, converters, strict=True)])
    sql, columns = statement
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, [convert(getattr(event, attname)) for attname, convert in columns])
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


def build(
    *,
    user,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    family_id=None,
    person_id=None,
    changes: dict | None = None,
    reason: str = "",
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """The row `record()` would insert, unsaved: bulk writers (the history import) collect
    these and insert them with `record_many()`; the sealer chains them like any other."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    is_user = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent(
        at=timezone.now(),
        user=user if is_user else None,
        username=user.get_username() if is_user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        family_id=family_id,
        person_id=person_id,
        changes=changes or {},
        reason=reason,
        detail=detail[:300],
        ip_address=ip_address,
    )


def record_many(events: list[AuditEvent], batch_size: int = bulk.BATCH_SIZE) -> None:
    """Insert many unsaved rows from `build()` in the caller's transaction (their ids are not
    read back: the sealer reads the rows from the table)."""
    bulk.insert_rows(AuditEvent, events, batch_size=batch_size)


def record_view(*, user, obj=None, model=None, object_id="", family_id=None, person_id=None,
                detail: str = "") -> None:
    """A read of `obj` – or, for a read that made no instance, of `model`'s row `object_id`.
    The row record() would write (the same columns, values and conversions; its id not read
    back), its unchanging columns converted once per connection (`_view_insert`): every audited
    page view writes one, and making and converting an AuditEvent per view cost more than its
    INSERT (issue 19)."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, object_id or str(obj.pk)
    else:
        object_type = model._meta.label_lower if model is not None else ""
    is_user = user is not None and getattr(user, "is_authenticated", False)
    connection = connections[router.db_for_write(AuditEvent)]
    sql, constant, varying = _view_insert(connection)
    params = list(constant)
    for (at, convert), value in zip(varying, (
            timezone.now(), user.pk if is_user else None, user.get_username() if is_user else "",
            object_type, str(object_id), family_id, person_id, detail[:300]), strict=True):
        params[at] = convert(value)
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, params)


# The columns a view row takes from its read, in record_view's order; every other column is the
# same in each view row (action "view", no changes, reason, address or seal).
VIEW_VARYING = ("at", "user_id", "username", "object_type", "object_id", "family_id",
                "person_id", "detail")
# connection -> (INSERT, the unchanging columns' converted values, (position, converter) of
# each of VIEW_VARYING among the INSERT's parameters)
_view_inserts = weakref.WeakKeyDictionary()


def _view_insert(connection) -> tuple:
    statement = _view_inserts.get(connection)
    if statement is None:
        sql, fields, converters = _insert_of_a_row(connection)
        # The unchanging columns as build() leaves them in a view row
        blank = build(user=None, action=AuditAction.VIEW)
        attnames = [f.attname for f in fields]
        constant = [convert(getattr(blank, name)) for name, convert in
                    zip(attnames, converters, strict=True)]  # fmt: skip
        varying = tuple((at, converters[at]) for at in map(attnames.index, VIEW_VARYING))
        statement = _view_inserts[connection] = (sql, constant, varying)
    return statement


def diff(instance, before: dict, fields: list[str]) -> dict:
    """The fields that changed, as {field: [old, new]} for the audit row."""
    changed = {}
    for name in fields:
        new = getattr(instance, name)
        if before.get(name) != new:
            changed[name] = [_plain(before.get(name)), _plain(new)]
    return changed


def snapshot(instance, fields: list[str]) -> dict:
    return {name: getattr(instance, name) for name in fields}


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- sealing and verifying ----------------------------------------------------------------------

# How long a row may stay unsealed before verification reports it. The sealer runs every minute;
# a row older than this was either never sealed (the sealer is not running) or was removed and
# the gap would be invisible – so it is reported either way.
SEAL_BOUND = dt.timedelta(minutes=10)


class ChainBroken(Exception):
    """The sealed chain does not end where its head says: the sealer refuses to extend it."""


def _head_mac(head: AuditChainHead, key: str | None = None) -> str:
    """The head's signature, keyed by the SECRET_KEY – which lives outside the database, so whoever
    can edit rows still cannot make a shortened chain's head look genuine."""
    message = "|".join(
        [
            str(head.sealed_count),
            str(head.last_event_id or ""),
            head.last_hash,
            head.sealed_at.isoformat() if head.sealed_at else "",
        ]
    )
    return salted_hmac(
        "earlyhelp.core.audit.head", message, secret=key, algorithm="sha256"
    ).hexdigest()


def _head_signed(head: AuditChainHead) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(head.mac, _head_mac(head, key)) for key in keys)


def _check_tail(head: AuditChainHead) -> str:
    """Why the sealed chain does not end where the head says, or ''."""
    if head.sealed_count and not _head_signed(head):
        return "the chain head's signature is wrong (the head was edited)"
    if AuditEvent.objects.filter(seq__gt=head.sealed_count).exists():
        return "rows are sealed beyond the chain head"
    if not head.sealed_count:
        return ""
    last = AuditEvent.objects.filter(seq=head.sealed_count).values("id", "hash").first()
    if last is None or last["id"] != head.last_event_id or last["hash"] != head.last_hash:
        return "the last sealed row does not match the chain head (newest rows removed?)"
    return ""


@dataclass
class SealResult:
    sealed: int
    sealed_count: int
    last_hash: str


def seal(*, batch_size: int = 2000) -> SealResult:
    """Give every committed unsealed row its place in the chain, oldest id first.

    Each batch is one short transaction holding the head row, so two sealers never interleave;
    reads and writes that append rows meanwhile are not blocked (they never touch the head).
    A row whose transaction commits after a later id was sealed simply joins the next batch: the
    chain's order is `seq`, not `id`. Refuses (ChainBroken) if the chain no longer ends at the
    head, so tampering is reported rather than sealed over."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            if created and AuditEvent.objects.filter(seq__isnull=False).exists():
                raise ChainBroken("the chain head is missing but sealed rows exist")
            problem = _check_tail(head)
            if problem:
                raise ChainBroken(problem)
            rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            previous, seq = head.last_hash, head.sealed_count
            for event in rows:
                seq += 1
                event.seq = seq
                event.previous_hash = previous
                event.hash = previous = _row_digest(previous, event)
            if rows:
                AuditEvent.objects.bulk_update(
                    rows, ["seq", "previous_hash", "hash"], batch_size=500
                )
                head.sealed_count, head.last_event_id, head.last_hash = seq, rows[-1].id, previous
            head.sealed_at = timezone.now()
            head.mac = _head_mac(head)
            head.save()
        sealed += len(rows)
        if len(rows) < batch_size:
            return SealResult(sealed, head.sealed_count, head.last_hash)


@dataclass
class ChainCheck:
    ok: bool
    rows_checked: int
    first_broken_id: int | None = None
    problem: str = ""
    unsealed: int = 0
    stale_unsealed: int = 0


def verify_chain(batch_size: int = 5000, *, bound: dt.timedelta = SEAL_BOUND) -> ChainCheck:
    """Recompute every sealed row's hash in chain order; name the first row whose place, hash or
    link is wrong. Then check the chain ends where the signed head says (so removing the newest
    rows, or the head, shows) and that no unsealed row is older than `bound`."""
    previous = ""
    checked = 0
    last_seq = 0
    last_id = None
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size]
        )
        if not rows:
            break
        for event in rows:
            if event.seq != checked + 1:
                return ChainCheck(False, checked, event.id, "rows are missing before this one")
            if event.previous_hash != previous:
                return ChainCheck(False, checked, event.id, "link to the previous row is broken")
            if _row_digest(previous, event) != event.hash:
                return ChainCheck(False, checked, event.id, "row content does not match its hash")
            previous = event.hash
            checked += 1
            last_seq = event.seq
            last_id = event.id
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None:
        if checked:
            return ChainCheck(False, checked, None, "the chain head is missing")
    else:
        if head.sealed_count and not _head_signed(head):
            return ChainCheck(
                False, checked, None, "the chain head's signature is wrong (the head was edited)"
            )
        if head.sealed_count != checked or head.last_hash != previous:
            return ChainCheck(
                False,
                checked,
                head.last_event_id if head.sealed_count > checked else last_id,
                f"the chain head records {head.sealed_count} sealed rows ending in "
                f"{head.last_hash[:12] or '(none)'}; the trail has {checked} "
                f"ending in {previous[:12] or '(none)'} (newest rows removed?)",
            )
    return _with_unsealed(ChainCheck(True, checked), bound)


def _with_unsealed(check: ChainCheck, bound: dt.timedelta) -> ChainCheck:
    unsealed = AuditEvent.objects.filter(seq__isnull=True)
    check.unsealed = unsealed.count()
    stale = unsealed.filter(at__lt=timezone.now() - bound)
    check.stale_unsealed = stale.count()
    if check.stale_unsealed:
        check.ok = False
        check.first_broken_id = stale.order_by("id").values_list("id", flat=True).first()
        check.problem = (
            f"{check.stale_unsealed} rows are older than {int(bound.total_seconds() // 60)} "
            "minutes and not sealed (is `earlyhelp audit_seal` running every minute?)"
        )
    return check


def unsealed_check(bound: dt.timedelta = SEAL_BOUND) -> ChainCheck:
    """Only the unsealed rows: are any older than the bound? (Checked before sealing them.)"""
    return _with_unsealed(ChainCheck(True, 0), bound)
