"""The dashboard materialised per day: how a day's figures are stored and read back.

The nightly job (`earlyhelp insights_materialise`, services.materialise_dashboards) works out the
whole dashboard – every indicator's trend and its comparison – for the current month, quarter and
financial year, for the whole borough and for each council service, with the same computations
as the live page. The page then reads one row instead of counting three years of casework.

A snapshot is used only when it answers exactly what was asked: the day's own (as_of = today),
the current period of its kind, the whole dashboard with no filters, and each indicator's local
parameters unchanged since the job ran. Anything else (a past period, a filter, a team-only
manager, an indicator switched on today, no job run yet today) is computed live, as before.
Targets, thresholds and RAG are applied when the page is drawn, so editing a target shows at
once. docs/decisions/insights-dashboard-materialised.md says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from .models import DashboardSnapshot
from .periods import period_containing
from .registry import Part, Result, Scope

BOROUGH = "borough"


def scope_key(scope: Scope) -> str | None:
    """The key a scope's snapshot is kept under; None for a scope the job does not materialise
    (a manager's single team outside any service)."""
    if scope.is_borough:
        return BOROUGH
    if scope.service_id is not None:
        return f"service:{scope.service_id}"
    return None


def _plain(value):
    # Averages come back as Decimal on some databases: JSON keeps the float the page shows.
    return float(value) if isinstance(value, Decimal) else value


def encode(result: Result | None) -> dict | None:
    if result is None:
        return None
    data = asdict(result)
    data["value"] = _plain(data["value"])
    for part in data["parts"]:
        part["value"], part["share"] = _plain(part["value"]), _plain(part["share"])
    return data


def decode(data: dict | None) -> Result | None:
    if data is None:
        return None
    parts = [Part(**part) for part in data.get("parts", [])]
    return Result(**{**data, "parts": parts})


def lookup(scope: Scope, period, today: dt.date) -> DashboardSnapshot | None:
    """The day's snapshot for this scope and period, if the job made one (one indexed query)."""
    key = scope_key(scope)
    if key is None or period != period_containing(period.kind, today):
        return None
    return DashboardSnapshot.objects.filter(
        as_of=today, scope_key=key, kind=period.kind, period_start=period.start
    ).first()
