"""Where each imported record came from, and the doubtful person matches waiting for review."""

from django.db import models

from earlyhelp.core.models import BaseModel


class SourceRecord(models.Model):
    """One SSD row (source system, table, id) and the earlyhelp record it became: a later
    extract updates by it instead of adding a duplicate."""

    id = models.BigAutoField(primary_key=True)
    source_system = models.CharField(max_length=60)
    table = models.CharField(max_length=40)
    source_id = models.CharField(max_length=48)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "table", "source_id"], name="source_record_once"
            )
        ]


class MatchReview(BaseModel):
    """An imported person who looks like someone already here, without the identifiers to be
    sure: kept apart and listed for a person to decide, never merged silently."""

    source_system = models.CharField(max_length=60)
    source_id = models.CharField(max_length=48)
    imported = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
