"""The business rules of claims. Pure: records or values in, an answer out. Each has tests."""

import random

from earlyhelp.core.errors import IllegalMove

from ..models import ClaimStatus

PREPARED, VERIFYING, APPROVED, PAID = (ClaimStatus.PREPARED, ClaimStatus.VERIFYING,
                                       ClaimStatus.APPROVED, ClaimStatus.PAID)
LOCKED = "This claim is approved: it is locked and can no longer be changed."


CONTENT_MOVES = ("remove_family", "draw_sample", "verify_family", "approve")


def require_move(action: str, state: str) -> str:
    """The claim's state after `action` (its machine: results/journey.py), or IllegalMove (409;
    nothing changes). A locked claim says so rather than naming the move."""
    from ..journey import CLAIM

    if is_locked(state) and action in CONTENT_MOVES:
        raise IllegalMove(LOCKED, code="claim_locked")
    return CLAIM.require(action, state)


def allowed_actions(state: str) -> list[str]:
    from ..journey import CLAIM

    return CLAIM.allowed_actions(state)


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
