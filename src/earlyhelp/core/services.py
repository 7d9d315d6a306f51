"""Helpers every app's services use to save a record: validate, stamp, version, audit."""

from django.db import models

from . import audit
from .errors import StaleEdit
from .models import AuditAction


def check_version(instance, expected_version: int | None, what: str) -> None:
    """Refuse an edit made from a stale copy (someone else saved after it was opened)."""
    if expected_version is not None and instance.version != expected_version:
        raise StaleEdit(what)


def create(instance: models.Model, *, acting_user, family_id=None, person_id=None, reason=""):
    """Validate and insert a record, with its audit row in the same transaction."""
    if hasattr(instance, "created_by_id") and acting_user is not None:
        instance.created_by = acting_user
        instance.modified_by = acting_user
    instance.full_clean()
    instance.save(force_insert=True)
    creation_event(instance, acting_user=acting_user, family_id=family_id, person_id=person_id,
                   reason=reason).save(force_insert=True)
    return instance


def creation_event(instance, *, acting_user, family_id=None, person_id=None, reason=""):
    """The audit row `create()` writes for a new record, unsaved (bulk writers insert many)."""
    return audit.build(
        user=acting_user,
        action=AuditAction.CREATE,
        obj=instance,
        family_id=family_id,
        person_id=person_id,
        changes={f.name: audit._plain(getattr(instance, f.attname)) for f in _audited(instance)},
        reason=reason,
    )


def update(instance, *, acting_user, before: dict, family_id=None, person_id=None, reason=""):
    """Validate and save changed fields, bumping the version; audit which fields changed."""
    fields = list(before)
    changes = audit.diff(instance, before, fields)
    if hasattr(instance, "version"):
        instance.version += 1
        instance.modified_by = acting_user
    instance.full_clean()
    instance.save()
    audit.record(
        user=acting_user,
        action=AuditAction.CHANGE,
        obj=instance,
        family_id=family_id,
        person_id=person_id,
        changes=changes,
        reason=reason,
    )
    return instance


def _audited(instance):
    skip = {"id", "created_at", "modified_at", "created_by", "modified_by", "version"}
    return [
        f for f in instance._meta.concrete_fields if f.name not in skip and not f.is_relation
    ] + [f for f in instance._meta.concrete_fields if f.is_relation and f.name not in skip]
