"""Every write of claims: keyword-only, atomic, audited, the policy check first, the claim's
machine (rules.MOVES) asked before anything changes."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import audit
from earlyhelp.core.dates import check_event_date, today
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditAction

from ..models import (
    Claim,
    ClaimFamily,
    ClaimPayment,
    Framework,
    PlanNeed,
    ProgrammeFamily,
    Verification,
)
from . import rules


def default_sample_size() -> int:
    return getattr(settings, "RESULTS_CLAIM_SAMPLE_SIZE", 10)


def _lock(claim: Claim) -> Claim:
    """The claim as it is now, locked for this transaction (two verifiers cannot race)."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


def _move(claim: Claim, action: str, user) -> None:
    to = rules.require_move(action, claim.status)
    if to != claim.status:
        before, claim.status = claim.status, to
        claim.version += 1
        claim.modified_by = user
        claim.save()
        audit.record(user=user, action=AuditAction.CHANGE, obj=claim,
                     changes={"status": [before, to]}, detail=action)


def evidence_snapshot(attachments: list[ProgrammeFamily]) -> dict:
    """Each family's outcome evidence as it stands: one query for all their plans' needs."""
    needs: dict = {a.pk: [] for a in attachments}
    for need in (PlanNeed.objects.filter(attachment__in=attachments)
                 .select_related("measure__outcome")):
        needs[need.attachment_id].append({
            "outcome": need.measure.outcome.name, "measure": need.measure.name,
            "measure_code": need.measure.code, "identified_on": str(need.identified_on),
            "met": need.met, "sustained": need.sustained,
            "sustained_from": str(need.sustained_from) if need.sustained_from else "",
            "finding": need.finding, "evidence": need.evidence,
        })
    return {a.pk: {"checked_on": str(a.checked_on), "household_key": a.household_key,
                   "attached_on": str(a.attached_on), "in_work_sustained": a.in_work_sustained,
                   "needs": needs[a.pk]} for a in attachments}


def _already_claimed(attachment_ids) -> dict:
    return dict(ClaimFamily.objects.filter(attachment_id__in=attachment_ids, withdrawn=False)
                .values_list("attachment_id", "claim_id"))


@transaction.atomic
def prepare_claim(*, user, framework: Framework, window_start: dt.date,
                  window_end: dt.date) -> Claim:
    """A claim for the families on `framework` judged claimable in the window (their last check
    of outcomes fell in it), with their evidence as it stands. Families already in a claim for
    this programme are left out: a family is never claimed twice."""
    policy.require(user, Action.PREPARE_CLAIM)
    check_event_date(window_end, field="window_end", what="end of the claim window")
    if window_start > window_end:
        raise ValidationError({"window_start": "The window must start on or before its end"})
    candidates = list(ProgrammeFamily.objects.filter(
        framework=framework, claimable=True, checked_on__gte=window_start,
        checked_on__lte=window_end).order_by("pk"))
    claimed = _already_claimed([a.pk for a in candidates])
    fresh = [a for a in candidates if a.pk not in claimed]
    if not fresh:
        raise ValidationError({"window_start": (
            f"No family on {framework.name} was judged claimable between "
            f"{window_start:%d/%m/%Y} and {window_end:%d/%m/%Y} that is not already claimed"
            + (f" ({len(claimed)} already claimed)" if claimed else ""))})
    claim = Claim.objects.create(framework=framework, window_start=window_start,
                                 window_end=window_end, prepared_by=user, prepared_on=today(),
                                 created_by=user, modified_by=user)
    snapshot = evidence_snapshot(fresh)
    try:
        with transaction.atomic():
            ClaimFamily.objects.bulk_create([
                ClaimFamily(claim=claim, attachment=a, evidence=snapshot[a.pk], created_by=user)
                for a in fresh])
    except IntegrityError as exc:  # claimed by another claim a moment ago
        raise ValidationError({"window_start": "Some of these families were claimed by "
                               "someone else a moment ago: prepare the claim again"}) from exc
    audit.record(user=user, action=AuditAction.CREATE, obj=claim, changes={
        "framework": framework.code, "window": [str(window_start), str(window_end)],
        "families": len(fresh), "left_out_already_claimed": len(claimed)})
    return claim


@transaction.atomic
def add_family(*, user, claim: Claim, attachment: ProgrammeFamily) -> ClaimFamily:
    """Put one more family in a prepared claim – refused when it is on another programme, not
    claimable, or already claimed for this programme."""
    policy.require(user, Action.PREPARE_CLAIM)
    claim = _lock(claim)
    rules.require_move("remove_family", claim.status)  # contents change only while prepared
    if attachment.framework_id != claim.framework_id:
        raise ValidationError({"family": "This family is not on this claim's programme"})
    if not (attachment.claimable and rules.in_window(attachment.checked_on, claim.window_start,
                                                     claim.window_end)):
        raise ValidationError({"family": f"{attachment.family} was not judged claimable in "
                               "this claim's window"})
    other = _already_claimed([attachment.pk]).get(attachment.pk)
    if other is not None:
        raise ValidationError({"family": f"{attachment.family} is already claimed for "
                               f"{claim.framework.name} (claim {other}): a family is "
                               "claimed once per programme"})
    try:
        with transaction.atomic():
            row = ClaimFamily.objects.create(
                claim=claim, attachment=attachment, created_by=user,
                evidence=evidence_snapshot([attachment])[attachment.pk])
    except IntegrityError as exc:
        raise ValidationError({"family": f"{attachment.family} was claimed by someone else a "
                               "moment ago"}) from exc
    audit.record(user=user, action=AuditAction.CREATE, obj=row,
                 family_id=attachment.family_id, detail=f"added to claim {claim.pk}")
    return row


@transaction.atomic
def remove_family(*, user, claim: Claim, claim_family: ClaimFamily, reason: str) -> None:
    policy.require(user, Action.PREPARE_CLAIM)
    claim = _lock(claim)
    rules.require_move("remove_family", claim.status)
    if claim_family.claim_id != claim.pk:
        raise ValidationError({"family": "This family is not in this claim"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the family comes out of the claim"})
    claim_family.withdrawn, claim_family.reason = True, reason.strip()
    claim_family.modified_by = user
    claim_family.save()
    audit.record(user=user, action=AuditAction.CHANGE, obj=claim_family,
                 family_id=claim_family.attachment.family_id,
                 changes={"withdrawn": [False, True]}, detail=reason.strip()[:200])


@transaction.atomic
def draw_sample(*, user, claim: Claim, size: int, seed: int | None = None) -> list[ClaimFamily]:
    """The verifier draws `size` of the claim's families at random; the seed is recorded (and
    may be given, to reproduce a sample)."""
    policy.require(user, Action.VERIFY_CLAIM, claim)
    claim = _lock(claim)
    rules.require_move("draw_sample", claim.status)
    if size < 1:
        raise ValidationError({"size": "The sample must have at least one family"})
    seed = secrets.randbelow(2**31) if seed is None else seed
    rows = {str(r.pk): r for r in claim.families.filter(withdrawn=False)}
    chosen = rules.draw_sample(list(rows), size, seed)
    ClaimFamily.objects.filter(pk__in=chosen).update(verification=Verification.TO_CHECK)
    claim.sample_size, claim.sample_seed, claim.sampled_by = size, seed, user
    _move(claim, "draw_sample", user)
    audit.record(user=user, action=AuditAction.CHANGE, obj=claim,
                 changes={"sample_size": size, "sample_seed": seed, "sampled": len(chosen)})
    return list(ClaimFamily.objects.filter(pk__in=chosen))


@transaction.atomic
def verify_family(*, user, claim: Claim, claim_family: ClaimFamily, passed: bool,
                  reason: str) -> ClaimFamily:
    """The verifier's verdict on one sampled family. A failed family comes out of the claim."""
    policy.require(user, Action.VERIFY_CLAIM, claim)
    claim = _lock(claim)
    rules.require_move("verify_family", claim.status)
    if claim_family.claim_id != claim.pk or claim_family.verification == Verification.NOT_SAMPLED:
        raise ValidationError({"family": "Only families in this claim's sample are verified"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the family passed or failed"})
    before = claim_family.verification
    claim_family.verification = Verification.PASSED if passed else Verification.FAILED
    claim_family.withdrawn = not passed
    claim_family.reason, claim_family.verified_by, claim_family.verified_on = reason, user, today()
    claim_family.modified_by = user
    claim_family.version += 1
    claim_family.save()
    audit.record(user=user, action=AuditAction.CHANGE, obj=claim_family,
                 family_id=claim_family.attachment.family_id,
                 changes={"verification": [before, claim_family.verification]},
                 detail=reason[:200])
    return claim_family


@transaction.atomic
def approve(*, user, claim: Claim) -> Claim:
    """Approve the claim (never its preparer); from here it is locked."""
    policy.require(user, Action.VERIFY_CLAIM, claim)
    claim = _lock(claim)
    rules.require_move("approve", claim.status)
    verdicts = list(claim.families.exclude(verification=Verification.NOT_SAMPLED)
                    .values_list("verification", flat=True))
    if not rules.sample_finished(verdicts):
        raise IllegalMove("Every family in the sample needs a verdict before the claim is "
                          "approved.")
    if not claim.families.filter(withdrawn=False).exists():
        raise IllegalMove("Every family failed verification: there is nothing to approve.")
    claim.approved_by, claim.approved_on = user, today()
    _move(claim, "approve", user)
    return claim


@transaction.atomic
def record_payment(*, user, claim: Claim, received_on: dt.date, amount: Decimal,
                   reference: str) -> ClaimPayment:
    policy.require(user, Action.RECORD_CLAIM_PAYMENT, claim)
    claim = _lock(claim)
    rules.require_move("record_payment", claim.status)
    check_event_date(received_on, field="received_on", what="payment received",
                     after=claim.approved_on, after_what="the claim's approval")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter an amount more than £0"})
    if not reference.strip():
        raise ValidationError({"reference": "Enter the payment's reference"})
    payment = ClaimPayment.objects.create(claim=claim, received_on=received_on, amount=amount,
                                          reference=reference.strip(), recorded_by=user,
                                          created_by=user)
    audit.record(user=user, action=AuditAction.CREATE, obj=payment, changes={
        "claim": str(claim.pk), "received_on": str(received_on), "amount": str(amount),
        "reference": reference.strip()})
    _move(claim, "record_payment", user)
    return payment


def record_export(*, user, claim: Claim, layout, fmt: str) -> None:
    """An export is a read of every family in the claim: audited, and only once approved."""
    rules.require_move("export", claim.status)
    audit.record(user=user, action=AuditAction.EXPORT, obj=claim,
                 detail=f"export {fmt} ({layout.code})")
