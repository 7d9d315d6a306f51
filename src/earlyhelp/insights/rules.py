"""Named rules for judging an indicator: its RAG status, its target for a period, its movement."""

from __future__ import annotations

from decimal import Decimal

from earlyhelp.core.models import Role

from .models import Direction, IndicatorDefinition, Unit

RED, AMBER, GREEN = "red", "amber", "green"
RAG_LABELS = {RED: "Red", AMBER: "Amber", GREEN: "Green", None: "No target"}

# Who sees the figures and who prepares Annex A (the council's list for inspectors, see
# docs/decisions/insights-annex-a-access.md): access.policy SEE_DASHBOARDS, PREPARE_ANNEX_A.


def target_for_period(definition: IndicatorDefinition, months: int,
                      share: Decimal = Decimal(1)) -> tuple:
    """A count's target is per month, so a quarter's is three months' worth – and while the
    period is in progress, the share of it that has happened (`Period.share_elapsed`): 25
    assessments by mid-quarter are judged against half a quarter's target, like with like.
    Rates, days and score points are the same whatever the period."""
    target, red = definition.target, definition.red_threshold
    if definition.unit == Unit.COUNT:
        factor = Decimal(months) * share
        target = target * factor if target is not None else None
        red = red * factor if red is not None else None
    return target, red


def rag_status(definition: IndicatorDefinition, value, months: int = 1,
               share: Decimal = Decimal(1)) -> str | None:
    """Green at or better than the target; red worse than the red threshold; amber between.
    With no red threshold, anything short of the target is amber. No target, no status."""
    if value is None or definition.target is None or definition.direction == Direction.NEUTRAL:
        return None
    target, red = target_for_period(definition, months, share)
    value = Decimal(str(value))
    if definition.direction == Direction.HIGHER:
        if value >= target:
            return GREEN
        return RED if red is not None and value < red else AMBER
    if value <= target:
        return GREEN
    return RED if red is not None and value > red else AMBER


def movement(definition: IndicatorDefinition, current, previous) -> str | None:
    """'better', 'worse' or 'same' against the previous period (for a monitored indicator:
    'up', 'down' or 'same')."""
    if current is None or previous is None:
        return None
    if abs(current - previous) < 1e-9:
        return "same"
    up = current > previous
    if definition.direction == Direction.HIGHER:
        return "better" if up else "worse"
    if definition.direction == Direction.LOWER:
        return "worse" if up else "better"
    return "up" if up else "down"


def sees_named_records(user) -> bool:
    """Managers see the named records behind a figure (within their access); analysts and
    administrators see pseudonymised ones – the Child Unique ID and the reference only."""
    return user.role == Role.MANAGER
