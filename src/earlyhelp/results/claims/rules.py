"""The business rules of claims. Pure: records or values in, an answer out. Each has tests."""

import random
from dataclasses import dataclass

from earlyhelp.core.errors import IllegalMove

from ..models import ClaimStatus

PREPARED, VERIFYING, APPROVED, PAID = (ClaimStatus.PREPARED, ClaimStatus.VERIFYING,
                                       ClaimStatus.APPROVED, ClaimStatus.PAID)
LOCKED = "This claim is approved: it is locked and can no longer be changed."


@dataclass(frozen=True)
class Move:
    action: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: records something without changing the status
    refusal: str


# The claim's machine. Everything that changes the claim's contents ends at approval.
MOVES = {m.action: m for m in (
    Move("remove_family", (PREPARED,), None,
         "Families can only be taken out of a claim before its sample is drawn."),
    Move("draw_sample", (PREPARED,), VERIFYING, "This claim's sample has already been drawn."),
    Move("verify_family", (VERIFYING,), None, "Only a claim being verified takes verdicts."),
    Move("approve", (VERIFYING,), APPROVED, "Only a claim whose sample is verified can be "
         "approved."),
    Move("export", (APPROVED, PAID), None, "A claim is exported once it is approved."),
    Move("record_payment", (APPROVED, PAID), PAID, "Payments are recorded against an approved "
         "claim."),
)}


def require_move(action: str, state: str) -> str:
    """The claim's state after `action`, or IllegalMove (409; nothing changes). A locked claim
    says so rather than naming the move."""
    move = MOVES[action]
    if state not in move.from_states:
        if state in (APPROVED, PAID) and action in ("remove_family", "draw_sample",
                                                    "verify_family", "approve"):
            raise IllegalMove(LOCKED, code="claim_locked")
        raise IllegalMove(move.refusal)
    return move.to_state or state


def allowed_actions(state: str) -> list[str]:
    return [a for a, m in MOVES.items() if state in m.from_states]


def is_locked(state: str) -> bool:
    return state in (APPROVED, PAID)


def separate_from_preparer(user, claim) -> bool:
    """Verifying and approving are done by someone other than the claim's preparer (four eyes,
    per claim: the same analyst prepares one claim and verifies another)."""
    return claim is None or claim.prepared_by_id != user.pk


def in_window(checked_on, window_start, window_end) -> bool:
    """A family belongs in a claim for a window when its outcomes were last judged in it."""
    return checked_on is not None and window_start <= checked_on <= window_end


def draw_sample(keys: list[str], size: int, seed: int) -> list[str]:
    """The verifier's sample: `size` of the claim's families (all of them when it has fewer),
    drawn with `seed` from the keys in sorted order, so the same seed draws the same sample."""
    ordered = sorted(keys)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def sample_finished(verdicts: list[str]) -> bool:
    """Approval waits until every sampled family has a verdict."""
    return bool(verdicts) and all(v in ("passed", "failed") for v in verdicts)
