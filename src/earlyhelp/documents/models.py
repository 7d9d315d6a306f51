"""Documents attached to a family or one of its episodes. The file lives under MEDIA_ROOT with
a random name; only files clamd passed are kept (or, in development when explicitly allowed,
files marked as not scanned)."""

from django.conf import settings
from django.db import models

from earlyhelp.core.models import BaseModel


class ScanResult(models.TextChoices):
    CLEAN = "clean", "No virus found"
    NOT_SCANNED = "not_scanned", "Not scanned (development only)"


class Document(BaseModel):
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT,
                               related_name="documents")
    episode = models.ForeignKey("cases.Episode", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="documents")
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)  # random; never the user's name
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_result = models.CharField(max_length=20, choices=ScanResult.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scanner = models.CharField(max_length=200, blank=True)  # what answered, e.g. the clamd address
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    delete_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["family", "deleted_at"], name="document_family_idx")]

    def __str__(self):
        return self.title
