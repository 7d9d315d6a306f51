"""Time to a front door decision: how long a contact has waited against its RAG timescale."""

import datetime as dt

from django.utils import timezone

from earlyhelp.cases.models import Timescales


def _hours(delta: dt.timedelta) -> str:
    total_minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} hour{'s' if hours != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def decision_clock(contact, now=None) -> dict:
    """Waiting time and what is left of the local RAG timescale (cases.Timescales: by default
    red 4h, amber 24h, green 72h).

    A contact not yet rated is held to the amber timescale."""
    now = now or timezone.now()
    waited = now - contact.received_at
    limit = Timescales.current().triage_hours()[contact.priority or "amber"]
    due = contact.decision_due_at
    left = due - now
    return {
        "waited": _hours(waited),
        "due_at": due,
        "overdue": left.total_seconds() < 0,
        "left": _hours(left),
        "limit_hours": limit,
    }


def decision_time(contact) -> str:
    """How long the decision took, for a decided contact."""
    decision = getattr(contact, "decision", None)
    if decision is None:
        return ""
    return _hours(decision.decided_at - contact.received_at)
