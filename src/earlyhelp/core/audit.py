"""Writing and verifying the audit trail.

Every service and selector that touches a family's data calls `record()` inside its transaction,
so the audit row commits or rolls back with the work it describes.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

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
    """Append one audit row, chained to the previous one. Call inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        is_user = user is not None and getattr(user, "is_authenticated", False)
        event = AuditEvent(
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
            previous_hash=head.last_hash,
        )
        event.hash = _row_digest(head.last_hash, event)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


def record_view(*, user, obj, family_id=None, person_id=None, detail: str = "") -> AuditEvent:
    return record(
        user=user,
        action=AuditAction.VIEW,
        obj=obj,
        family_id=family_id,
        person_id=person_id,
        detail=detail,
    )


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


@dataclass
class ChainCheck:
    ok: bool
    rows_checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000) -> ChainCheck:
    """Recompute every row's hash in order; name the first row whose hash or link is wrong."""
    previous = ""
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.previous_hash != previous:
                return ChainCheck(False, checked, event.id, "link to the previous row is broken")
            if _row_digest(previous, event) != event.hash:
                return ChainCheck(False, checked, event.id, "row content does not match its hash")
            previous = event.hash
            checked += 1
            last_id = event.id
    return ChainCheck(True, checked)
