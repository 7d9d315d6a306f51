"""Caseload weighting rules: what one open episode weighs, and when a worker is over capacity.

Rule: an episode weighs its level of need's weight (universal 0.5, early help 1, targeted 1.5,
statutory 2 by default), plus a weight for each focus child after the first, plus the
assessment-stage weight while no assessment is completed, plus a weight for each complex need
(domestic abuse, substance misuse, mental health, exploitation by default) its completed
assessment found. A worker's load is the sum over their open episodes; they are over capacity
when the load is above their capacity (their own, else the default)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def episode_weight(
    weights, *, band: str | None, focus_children: int, assessment_done: bool, complex_needs: int
) -> Decimal:
    level = weights.level_weights().get(band or "", weights.no_level)
    extra_children = max(focus_children - 1, 0) * weights.each_extra_child
    stage = Decimal(0) if assessment_done else weights.assessment_stage
    complexity = complex_needs * weights.complex_need
    return level + extra_children + stage + complexity


@dataclass(frozen=True)
class Load:
    count: int
    weighted: Decimal
    capacity: Decimal

    @property
    def percent(self) -> int:
        """The load as a whole percentage of capacity (e.g. 120 when 20% over)."""
        return int((self.weighted * 100 / self.capacity).to_integral_value())

    @property
    def weighted_2dp(self) -> str:
        """As the page shows it (floatformat:2 costs a locale lookup per number)."""
        return _two_places(self.weighted)

    @property
    def capacity_2dp(self) -> str:
        return _two_places(self.capacity)

    @property
    def over(self) -> bool:
        return self.weighted > self.capacity


def _two_places(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
