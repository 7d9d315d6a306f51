"""The export: write one person's subject access file and audit it, together."""

from pathlib import Path

from django.db import transaction

from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from .gather import collect
from .render import render_html, render_markdown
from .report import Report


@transaction.atomic
def subject_access_export(*, person, user, out: Path, reason: str) -> Report:
    """Write everything held about `person` to `out` (HTML when it ends .html or .htm, else
    Markdown) and record the export in the audit trail; returns the report for its counts.
    The file is written inside the transaction, so a failed write leaves no audit row."""
    report = collect(person)
    render = render_html if out.suffix.lower() in (".html", ".htm") else render_markdown
    out.write_text(render(report), encoding="utf-8")
    audit.record(
        user=user,
        action=AuditAction.EXPORT,
        obj=person,
        person_id=person.pk,
        reason=reason,
        detail=f"subject access request: {report.record_count} records, "
        f"{report.audit_count} audit rows, to {out.name}",
    )
    return report
