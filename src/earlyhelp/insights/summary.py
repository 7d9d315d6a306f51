"""The board report's short written summary: where the indicators stand, and what moved most."""

from __future__ import annotations

from . import formatting
from .rules import RAG_LABELS

TOP = 3


def _movement_size(row) -> float:
    """Relative change since the last period, so counts, rates and days compare fairly."""
    current, previous = row.value, row.previous.value if row.previous else None
    if current is None or previous is None:
        return 0.0
    return abs(float(current) - float(previous)) / max(abs(float(previous)), 1.0)


def _comparison(row):
    """The period the figure is compared with (the whole previous one unless it says otherwise)."""
    return row.comparison or row.period.previous()


def _sentence(row) -> str:
    d = row.definition
    previous = row.previous.value
    direction = "rose" if row.value > previous else "fell"
    # A period in progress is compared with the same stretch of the previous one, and says so.
    comparison = _comparison(row)
    now = "" if comparison.is_whole else f" in {row.to_date.label}"
    text = (
        f"{d.name} {direction} from {formatting.figure(d.unit, previous)} in "
        f"{comparison.label} to {formatting.figure(d.unit, row.value)}{now} "
        f"({formatting.change(d.unit, row.value, previous)})"
    )
    if row.movement == "better":
        text += ", an improvement"
    elif row.movement == "worse":
        text += ", a deterioration"
    if row.rag:
        text += f"; it is {RAG_LABELS[row.rag].lower()} against a target of " \
                f"{formatting.figure(d.unit, row.target)}"
    return text + "."


def board_summary(rows) -> list[str]:
    """A few plain sentences, written from the figures – no judgement beyond the targets."""
    period = rows[0].period if rows else None
    paragraphs = []
    rated = [r for r in rows if r.rag]
    if rated:
        counts = {rag: sum(1 for r in rated if r.rag == rag) for rag in ("green", "amber", "red")}
        paragraphs.append(
            f"In {period.label}, {len(rated)} of {len(rows)} indicators have a target: "
            f"{counts['green']} green, {counts['amber']} amber and {counts['red']} red."
        )
    moved = sorted(
        (r for r in rows if _movement_size(r) > 0), key=_movement_size, reverse=True
    )[:TOP]
    if moved:
        paragraphs.append("What moved most since the last period:")
        paragraphs.extend(_sentence(r) for r in moved)
    elif period is not None:
        paragraphs.append(f"No indicator moved between {_comparison(rows[0]).label} and "
                          f"{period.label}.")
    reds = [r.definition.name for r in rated if r.rag == "red" and r not in moved]
    if reds:
        paragraphs.append("Also red: " + ", ".join(reds) + ".")
    if rows and not _comparison(rows[0]).is_whole:
        paragraphs.append(
            f"{period.label} is not over yet: its figures are to date, and each is compared "
            f"with the same stretch of the previous period ({_comparison(rows[0]).label})."
        )
    return paragraphs
