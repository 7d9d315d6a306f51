"""The journey of a payment-by-results claim, from the states of ClaimStatus. Everything that
changes a claim's contents ends at approval (claims/rules.py says "locked" for those)."""

from earlyhelp.core.workflow import Machine, Move

from .models import Claim, ClaimStatus

PREPARED, VERIFYING, APPROVED, PAID = (ClaimStatus.PREPARED, ClaimStatus.VERIFYING,
                                       ClaimStatus.APPROVED, ClaimStatus.PAID)

CLAIM = Machine("claim", Claim, (
    Move("remove_family", (PREPARED,), None,
         "Families can only be taken out of a claim before its sample is drawn."),
    Move("draw_sample", (PREPARED,), VERIFYING, "This claim's sample has already been drawn."),
    Move("verify_family", (VERIFYING,), None, "Only a claim being verified takes verdicts."),
    Move("approve", (VERIFYING,), APPROVED,
         "Only a claim whose sample is verified can be approved."),
    Move("export", (APPROVED, PAID), None, "A claim is exported once it is approved."),
    Move("record_payment", (APPROVED, PAID), PAID,
         "Payments are recorded against an approved claim."),
))
