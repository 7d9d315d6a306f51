"""The dashboard materialised per day: how a day's figures are stored and read back.

The nightly job (`earlyhelp insights_materialise`, services.materialise_dashboards) works out the
whole dashboard – every indicator's trend and its comparison – for the current month, quarter and
financial year, for the whole borough and for each council service, with the same computations
as the live page. The page then reads one row instead of counting three years of casework.

A snapshot is used only when it answers exactly what was asked: the current period of its kind,
the whole dashboard with no filters, and each indicator's local parameters unchanged since the
job ran – the day's own (as_of = today), or, until the job has run today, yesterday's for the
same period (the hour after midnight must not count three years of casework for every
request: it did, 8.7 s a page, in the load test). Yesterday's figures are shown as of
yesterday: the stretch of the period they cover, its comparison and the target to date are
yesterday's, and the page says when they were worked out. Anything else (a past period, a
filter, a team-only manager, an indicator switched on today, the first day of a period before
the job has run) is computed live, as before.
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
    """The day's snapshot for this scope and the current period, else yesterday's for the same
    period (the job has not run yet today), if the job made one (one indexed query). Its as_of
    is the day its figures are as of."""
    key = scope_key(scope)
    if key is None or period != period_containing(period.kind, today):
        return None
    return DashboardSnapshot.objects.filter(
        as_of__in=[today, today - dt.timedelta(days=1)], scope_key=key, kind=period.kind,
        period_start=period.start,
    ).order_by("-as_of").first()
