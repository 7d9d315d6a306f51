"""Every read of claims, scoped in the query: only the claims roles (analysts, administrators)
see claims at all; anyone else gets a 404 from every claims page."""

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from earlyhelp.access import roles
from earlyhelp.core import audit

from ..models import Claim, ClaimFamily, ClaimLayout, ProgrammeFamily


def sees_claims(user) -> bool:
    return (user is not None and user.is_authenticated and user.is_active
            and user.role in roles.CLAIMS)


def visible_claims(user) -> QuerySet[Claim]:
    if not sees_claims(user):
        return Claim.objects.none()
    return Claim.objects.all()


def claim_list(user) -> QuerySet[Claim]:
    return (visible_claims(user).select_related("framework", "prepared_by")
            .annotate(in_claim=Count("families", filter=Q(families__withdrawn=False)),
                      paid=Sum("payments__amount", distinct=True)))


def claim_get(*, user, claim_id) -> Claim:
    claim = get_object_or_404(
        visible_claims(user).select_related("framework", "prepared_by", "approved_by",
                                            "sampled_by"), pk=claim_id)
    audit.record_view(user=user, obj=claim)
    return claim


def claim_families(claim: Claim) -> list[ClaimFamily]:
    """Every family in the claim (withdrawn ones too, marked), for the claim's page."""
    return list(claim.families.select_related("attachment__family", "verified_by")
                .order_by("withdrawn", "attachment__family__name"))


def in_claim(claim: Claim) -> QuerySet[ClaimFamily]:
    """The families the claim is for: not withdrawn. The export's rows."""
    return (claim.families.filter(withdrawn=False)
            .select_related("attachment__family", "claim__framework")
            .order_by("attachment__family__name", "pk"))


def claim_family_get(*, user, claim: Claim, claim_family_id) -> ClaimFamily:
    row = get_object_or_404(
        ClaimFamily.objects.filter(claim__in=visible_claims(user), claim=claim)
        .select_related("attachment__family", "verified_by"), pk=claim_family_id)
    audit.record_view(user=user, obj=row, family_id=row.attachment.family_id)
    return row


def payments(claim: Claim):
    return list(claim.payments.select_related("recorded_by"))


def layouts() -> QuerySet[ClaimLayout]:
    return ClaimLayout.objects.all()


def layout_get(code: str | None) -> ClaimLayout:
    if code:
        return get_object_or_404(ClaimLayout, code=code)
    return ClaimLayout.objects.get(is_default=True)


def addable_attachment(*, claim: Claim, family_id) -> ProgrammeFamily | None:
    return (ProgrammeFamily.objects.filter(framework_id=claim.framework_id, family_id=family_id)
            .select_related("family").first())
