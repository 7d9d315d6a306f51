"""Reads of documents: scope decided in the query (the family's scope); a download is audited."""

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from earlyhelp.access.scoping import family_condition, get_visible_or_404
from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from .models import Document

FOLDER = "documents"


def visible_documents(user) -> QuerySet[Document]:
    """Documents of families the user may see; deleted ones are gone for everybody."""
    condition = family_condition(user, "family_id")
    if condition is None:
        return Document.objects.none()
    return Document.objects.filter(condition, deleted_at__isnull=True)


def family_documents(*, user, family) -> list[Document]:
    """A family's documents (the family's own and its episodes'), newest first. `family` comes
    from a scoped selector; the page that shows them audits the view."""
    return list(
        visible_documents(user).filter(family=family)
        .select_related("episode", "created_by").order_by("-created_at"))


def document_for(*, user, document_id) -> Document:
    """One document the user may see, or a 404 (out of scope, deleted and unknown look alike)."""
    return get_visible_or_404(
        visible_documents(user).select_related("family", "episode", "created_by"),
        pk=document_id)


def open_download(*, user, document_id):
    """The document and its open file; every download writes an audit row."""
    document = document_for(user=user, document_id=document_id)
    handle = default_storage.open(f"{FOLDER}/{document.stored_name}", "rb")
    audit.record(user=user, action=AuditAction.EXPORT, obj=document,
                 family_id=document.family_id, detail="document downloaded")
    return document, handle
