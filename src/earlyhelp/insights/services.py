"""Writes of the insights app: every export, and every look at named records, leaves an audit row.

The audit row is written in the same transaction as the read it describes, so an export that
fails leaves no row and a row never describes an export that did not happen.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction, CouncilService, Team

from . import annexa, selectors, snapshots, timescales
from .models import DashboardSnapshot
from .periods import KINDS, period_containing
from .registry import Scope

# An inspection is announced a few working days ahead: allow preparing the lists for a date up
# to a month away, never further.
MAX_DAYS_AHEAD = 31


def validate_inspection_date(value) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(
                {"inspection_date": "Enter the inspection date as a real date, like 2026-06-04"}
            ) from exc
    if value is None:
        raise ValidationError({"inspection_date": "Enter the inspection date"})
    today = dates.today()
    if value > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            {"inspection_date": f"The inspection date must be within {MAX_DAYS_AHEAD} days "
                                "from today"}
        )
    if value.year < 2000:
        raise ValidationError({"inspection_date": "The inspection date must be after 2000"})
    return value


@transaction.atomic
def annex_a_export(
    *, acting_user, inspection_date, layout: str = annexa.LAYOUT_2026, lists=("1", "2"),
    via: str = "page",
) -> annexa.AnnexA:
    """Build Annex A Lists 1 and 2 for an inspection date and audit the export.

    `acting_user` is None only for the command line run by a system administrator."""
    if acting_user is not None and not policy.can(acting_user, policy.Action.PREPARE_ANNEX_A):
        raise PermissionDenied("Only managers and performance analysts can export Annex A.")
    inspection_date = validate_inspection_date(inspection_date)
    if layout not in annexa.LAYOUTS:
        raise ValidationError(
            {"layout": "Choose the 2026 layout (Sex) or the earlier one (Gender)"}
        )
    lists = tuple(sorted(set(lists)))
    if not lists or not set(lists) <= {"1", "2"}:
        raise ValidationError({"lists": "Choose List 1, List 2 or both"})
    result = annexa.workbook(inspection_date, layout, lists)
    start, end = annexa.window(inspection_date)
    audit.record(
        user=acting_user,
        action=AuditAction.EXPORT,
        object_type="insights.annex_a",
        object_id=inspection_date.isoformat(),
        detail=(
            f"Ofsted Annex A List {' and '.join(lists)} for an inspection on "
            f"{inspection_date:%d/%m/%Y} (via {via})"
        ),
        changes={
            "inspection_date": inspection_date.isoformat(),
            "window": [start.isoformat(), end.isoformat()],
            "layout": layout,
            "list_1_rows": result.list_1_rows,
            "list_2_rows": result.list_2_rows,
        },
    )
    return result


@transaction.atomic
def record_download(*, acting_user, what: str, detail: str, changes: dict | None = None) -> None:
    """Audit a CSV or XLSX download of a dashboard view or a drill-down list."""
    audit.record(
        user=acting_user, action=AuditAction.EXPORT, object_type="insights.download",
        object_id=what[:64], detail=detail, changes=changes or {},
    )


@transaction.atomic
def record_list_view(*, acting_user, definition, period, shown: list, kind: str) -> None:
    """Audit one look at the records behind a figure: which records were on the page."""
    audit.record(
        user=acting_user, action=AuditAction.VIEW, object_type="insights.indicator",
        object_id=definition.code,
        detail=f"Records behind '{definition.name}' for {period.label} ({kind})",
        changes={"records": shown},
    )


KEEP_SNAPSHOT_DAYS = 7  # a week of days, for looking back at what the page showed


def materialise_dashboards() -> int:
    """The nightly job: the whole dashboard of the current month, quarter and financial year,
    for the borough and for each council service, stored for the day (snapshots.py). Each
    scope and kind is written in its own short transaction, so the page never waits long on the
    job; the job's run is kept by the scheduler and the audit trail notes it."""
    today = dates.today()  # the computations read today too (open on a day, reviews due)
    scopes = [Scope()]
    for service in CouncilService.objects.order_by("name"):
        teams = list(Team.objects.filter(service=service).values_list("id", flat=True))
        if teams:
            scopes.append(Scope(team_ids=teams, service_id=service.pk, label=service.name))
    written = 0
    for scope in scopes:
        for kind in KINDS:
            period = period_containing(kind, today)
            computed_at = timezone.now()
            rows = selectors.dashboard_for_scope(scope, period, today=today)
            figures = {
                row.code: {
                    "parameters": timescales.parameters(row.definition),
                    "trend": [[p.key, snapshots.encode(r)] for p, r in row.trend],
                    "previous": snapshots.encode(row.previous),
                }
                for row in rows
            }
            with transaction.atomic():
                DashboardSnapshot.objects.update_or_create(
                    as_of=today, scope_key=snapshots.scope_key(scope), kind=kind,
                    defaults={"computed_at": computed_at, "period_start": period.start,
                              "figures": figures},
                )
            written += 1
    with transaction.atomic():
        DashboardSnapshot.objects.filter(
            as_of__lt=today - dt.timedelta(days=KEEP_SNAPSHOT_DAYS)).delete()
        audit.record(user=None, action=AuditAction.CREATE, object_type="insights.snapshot",
                     object_id=today.isoformat(),
                     detail=f"Dashboard figures materialised for {today:%d/%m/%Y}",
                     changes={"snapshots": written})
    return written
