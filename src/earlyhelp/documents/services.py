"""Writes for documents: upload (type and size checked, scanned by clamd before it is kept) and
soft delete. Keyword-only, audited, the policy first."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from . import clamd, rules
from .models import Document, ScanResult
from .selectors import FOLDER

INFECTED = ("The selected file contains a virus ({signature}), so it was not kept. "
            "Do not open it again; tell your IT service desk where it came from")
UNSCANNED = ("The selected file could not be checked for viruses, so it was not kept. "
             "Try again later; if it keeps happening tell your administrator")


def _refuse(*, user, family, detail: str, message: str) -> ValidationError:
    # Committed on its own: the refusal is recorded although nothing else is kept.
    audit.record(user=user, action=AuditAction.REFUSED, object_type="documents.document",
                 family_id=family.pk, detail=detail)
    return ValidationError({"file": [message]})


def _scan(*, user, family, upload) -> tuple[str, str]:
    """(scan result, scanner) for a file that may be kept; else a ValidationError."""
    address = settings.DOCUMENTS_CLAMD_ADDRESS
    try:
        verdict = clamd.scan(upload, address)
    except clamd.ScannerUnavailable as error:
        if settings.DOCUMENTS_ALLOW_UNSCANNED:
            return ScanResult.NOT_SCANNED, ""
        raise _refuse(user=user, family=family, detail=f"upload not scanned: {error}",
                      message=UNSCANNED) from error
    finally:
        upload.seek(0)
    if not verdict.clean:
        raise _refuse(user=user, family=family,
                      detail=f"upload refused: virus {verdict.signature}",
                      message=INFECTED.format(signature=verdict.signature))
    return ScanResult.CLEAN, f"clamd {address}"


def upload_document(*, user, family, episode=None, title: str, upload) -> Document:
    """Check, scan and keep an uploaded file for a family (or one of its episodes). A refused
    file (wrong type, too big, infected, not scanned) raises ValidationError on `file`, keeps
    nothing and – for the scanner's refusals – writes an audit row."""
    policy.require(user, policy.Action.ADD_DOCUMENT, episode or family)
    if episode is not None and episode.family_id != family.pk:
        raise ValidationError({"episode": ["Choose an episode of this family"]})
    kind = rules.check_file(name=upload.name, size=upload.size, stream=upload,
                            allowed=settings.DOCUMENTS_ALLOWED_TYPES,
                            max_bytes=settings.DOCUMENTS_MAX_BYTES)
    scan_result, scanner = _scan(user=user, family=family, upload=upload)

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored_name = secrets.token_hex(16)
    path = default_storage.save(f"{FOLDER}/{stored_name}", File(upload))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                family=family, episode=episode, title=title.strip(),
                original_name=upload.name[-255:], stored_name=stored_name,
                content_type=kind.content_type, size=upload.size, sha256=digest.hexdigest(),
                scan_result=scan_result, scanner=scanner,
                scanned_at=timezone.now() if scan_result == ScanResult.CLEAN else None,
                created_by=user, modified_by=user)
            audit.record(user=user, action=AuditAction.CREATE, obj=document,
                         family_id=family.pk,
                         detail=f"document uploaded: {kind.label}, {upload.size} bytes, "
                                f"{document.get_scan_result_display()}")
    except Exception:
        default_storage.delete(path)  # nothing half-kept
        raise
    return document


@transaction.atomic
def delete_document(*, user, document, reason: str) -> Document:
    """Soft delete: the document leaves every list and download; the file stays until the
    family's record is disposed of (retention), so the audit trail still points at it."""
    policy.require(user, policy.Action.DELETE_DOCUMENT, document)
    if not reason.strip():
        raise ValidationError({"reason": ["Enter why the document is being deleted"]})
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.deleted_at is not None:
        raise ValidationError("This document has already been deleted")
    document.deleted_at = timezone.now()
    document.deleted_by = user
    document.delete_reason = reason.strip()
    document.modified_by = user
    document.version += 1
    document.save()
    audit.record(user=user, action=AuditAction.CHANGE, obj=document,
                 family_id=document.family_id, reason=document.delete_reason,
                 detail="document deleted")
    return document
