"""Claims end to end through the services: contents computed by hand (claims_world), the
sample and its seed, verification, approval and the lock, payments, and every refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from earlyhelp.access import policy
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.results.claims import rules, services
from earlyhelp.results.models import ClaimFamily, ClaimStatus, Verification

from . import claims_world

D = dt.date
START, END = claims_world.WINDOW


@pytest.fixture
def programme(world):
    return claims_world.build(world)


def prepare(world, programme):
    return services.prepare_claim(user=world.analyst, framework=programme.framework,
                                  window_start=START, window_end=END)


def names(claim):
    return sorted(r.attachment.family.name for r in claim.families.filter(withdrawn=False))


def test_a_claim_holds_the_families_judged_claimable_in_its_window(world, programme):
    claim = prepare(world, programme)
    assert names(claim) == ["Adams", "Baker", "Clarke"]
    assert claim.status == ClaimStatus.PREPARED and claim.prepared_by == world.analyst
    adams = claim.families.get(attachment__family__name="Adams")
    assert adams.evidence["checked_on"] == "2025-05-15"
    assert adams.evidence["needs"][0]["outcome"] == "Safe from domestic abuse"
    assert adams.evidence["needs"][0]["sustained_from"] == "2025-04-16"
    assert adams.evidence["needs"][0]["evidence"][0]["agency"] == "Police / MARAC"
    assert AuditEvent.objects.filter(object_id=str(claim.pk), action="create").exists()


def test_a_family_is_never_claimed_twice_for_a_programme(world, programme):
    first = prepare(world, programme)
    with pytest.raises(ValidationError, match="3 already claimed"):
        prepare(world, programme)
    # Baker is judged claimable again later: a new window does not claim it again.
    baker = programme.attachments["Baker"]
    with pytest.raises(ValidationError, match="already claimed"):
        services.add_family(user=world.analyst, claim=first, attachment=baker)
    # ... and the database refuses it too, whatever the service is bypassed by.
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFamily.objects.create(claim=first, attachment=baker)


def test_a_failed_family_may_be_claimed_again_later(world, programme):
    claim = prepare(world, programme)
    services.draw_sample(user=programme.second_analyst, claim=claim, size=3, seed=7)
    adams = claim.families.get(attachment__family__name="Adams")
    services.verify_family(user=programme.second_analyst, claim=claim, claim_family=adams,
                           passed=False, reason="The police record is for another adult")
    assert names(claim) == ["Baker", "Clarke"]
    again = services.prepare_claim(user=world.analyst, framework=programme.framework,
                                   window_start=START, window_end=END)
    assert names(again) == ["Adams"]


def test_the_same_seed_draws_the_same_sample(world, programme):
    keys = [str(i) for i in range(40)]
    assert rules.draw_sample(keys, 5, 1234) == rules.draw_sample(list(reversed(keys)), 5, 1234)
    assert rules.draw_sample(keys, 5, 1234) != rules.draw_sample(keys, 5, 4321)
    assert rules.draw_sample(keys, 50, 1) == sorted(keys)
    claim = prepare(world, programme)
    sample = services.draw_sample(user=programme.second_analyst, claim=claim, size=2)
    claim.refresh_from_db()
    assert claim.sample_seed is not None and claim.sample_size == 2
    assert claim.status == ClaimStatus.VERIFYING
    rows = [str(r.pk) for r in claim.families.all()]
    assert sorted(str(r.pk) for r in sample) == rules.draw_sample(rows, 2, claim.sample_seed)
    assert claim.families.filter(verification=Verification.TO_CHECK).count() == 2


def test_the_preparer_may_not_verify_or_approve_their_own_claim(world, programme):
    claim = prepare(world, programme)
    assert not policy.can(world.analyst, "verify_claim", claim)
    assert policy.can(programme.second_analyst, "verify_claim", claim)
    assert policy.can(world.admin, "verify_claim", claim)
    assert not policy.can(world.manager, "verify_claim", claim)
    with pytest.raises(PermissionDenied, match="who did not prepare it"):
        services.draw_sample(user=world.analyst, claim=claim, size=1)
    services.draw_sample(user=world.admin, claim=claim, size=3, seed=1)
    for row in claim.families.all():
        with pytest.raises(PermissionDenied):
            services.verify_family(user=world.analyst, claim=claim, claim_family=row,
                                   passed=True, reason="fine")
        services.verify_family(user=world.admin, claim=claim, claim_family=row, passed=True,
                               reason="Records match")
    with pytest.raises(PermissionDenied):
        services.approve(user=world.analyst, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFYING
    # The separation is per claim: the preparer of this one verifies another's.
    assert rules.separate_from_preparer(programme.second_analyst, claim)
    assert not rules.separate_from_preparer(world.analyst, claim)


def verified(world, programme, *, fail=()):
    claim = prepare(world, programme)
    verifier = programme.second_analyst
    services.draw_sample(user=verifier, claim=claim, size=2, seed=99)
    for row in claim.families.exclude(verification=Verification.NOT_SAMPLED):
        name = row.attachment.family.name
        services.verify_family(user=verifier, claim=claim, claim_family=row,
                               passed=name not in fail, reason=f"Checked {name}")
    return claim


def test_approval_waits_for_every_verdict_then_locks_the_claim(world, programme):
    claim = prepare(world, programme)
    verifier = programme.second_analyst
    with pytest.raises(IllegalMove, match="sample is verified"):
        services.approve(user=verifier, claim=claim)
    services.draw_sample(user=verifier, claim=claim, size=2, seed=99)
    with pytest.raises(IllegalMove, match="needs a verdict"):
        services.approve(user=verifier, claim=claim)
    row = claim.families.exclude(verification=Verification.NOT_SAMPLED).first()
    with pytest.raises(ValidationError, match="Say why"):
        services.verify_family(user=verifier, claim=claim, claim_family=row, passed=True,
                               reason="  ")
    unsampled = claim.families.filter(verification=Verification.NOT_SAMPLED).first()
    with pytest.raises(ValidationError, match="in this claim's sample"):
        services.verify_family(user=verifier, claim=claim, claim_family=unsampled, passed=True,
                               reason="x")
    for row in claim.families.exclude(verification=Verification.NOT_SAMPLED):
        services.verify_family(user=verifier, claim=claim, claim_family=row, passed=True,
                               reason="ok")
    services.approve(user=verifier, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.approved_by == verifier
    # Locked: nothing about its contents changes any more.
    row = claim.families.first()
    for attempt in (
        lambda: services.verify_family(user=verifier, claim=claim, claim_family=row,
                                       passed=False, reason="late"),
        lambda: services.remove_family(user=world.analyst, claim=claim, claim_family=row,
                                       reason="late"),
        lambda: services.add_family(user=world.analyst, claim=claim,
                                    attachment=programme.attachments["Davies"]),
        lambda: services.draw_sample(user=verifier, claim=claim, size=1),
        lambda: services.approve(user=verifier, claim=claim),
    ):
        with pytest.raises(IllegalMove, match="locked"):
            attempt()
    assert names(claim) == ["Adams", "Baker", "Clarke"]


def test_payments_are_recorded_against_an_approved_claim(world, programme):
    claim = prepare(world, programme)
    with pytest.raises(IllegalMove, match="approved claim"):
        services.record_payment(user=world.analyst, claim=claim, received_on=D(2025, 8, 1),
                                amount=Decimal("800"), reference="DLUHC-1")
    verifier = programme.second_analyst
    services.draw_sample(user=verifier, claim=claim, size=1, seed=3)
    row = claim.families.get(verification=Verification.TO_CHECK)
    services.verify_family(user=verifier, claim=claim, claim_family=row, passed=True, reason="ok")
    services.approve(user=verifier, claim=claim)
    claim.refresh_from_db()
    with pytest.raises(ValidationError, match="more than £0"):
        services.record_payment(user=world.admin, claim=claim, received_on=claim.approved_on,
                                amount=Decimal("0"), reference="R")
    with pytest.raises(ValidationError, match="on or after"):
        services.record_payment(user=world.admin, claim=claim,
                                received_on=claim.approved_on - dt.timedelta(days=1),
                                amount=Decimal("10"), reference="R")
    with pytest.raises(PermissionDenied):
        services.record_payment(user=world.manager, claim=claim, received_on=claim.approved_on,
                                amount=Decimal("10"), reference="R")
    payment = services.record_payment(user=world.admin, claim=claim,
                                      received_on=claim.approved_on, amount=Decimal("2400.00"),
                                      reference="SF-Q1-2025")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and payment.amount == Decimal("2400.00")
    assert AuditEvent.objects.filter(object_id=str(payment.pk), action="create").exists()


def test_refusals_for_the_window_and_outsiders(world, programme):
    with pytest.raises(ValidationError, match="on or before its end"):
        services.prepare_claim(user=world.analyst, framework=programme.framework,
                               window_start=END, window_end=START)
    with pytest.raises(ValidationError, match="No family"):
        services.prepare_claim(user=world.analyst, framework=programme.framework,
                               window_start=D(2024, 1, 1), window_end=D(2024, 3, 31))
    for user in (world.worker, world.manager, world.admin, world.partner):
        with pytest.raises(PermissionDenied):
            services.prepare_claim(user=user, framework=programme.framework,
                                   window_start=START, window_end=END)
    claim = prepare(world, programme)
    with pytest.raises(ValidationError, match="not judged claimable"):
        services.add_family(user=world.analyst, claim=claim,
                            attachment=programme.attachments["Davies"])
    with pytest.raises(ValidationError, match="not on this claim's programme"):
        services.add_family(user=world.analyst, claim=claim,
                            attachment=programme.attachments["Foster"])
    row = claim.families.get(attachment__family__name="Clarke")
    services.remove_family(user=world.analyst, claim=claim, claim_family=row,
                           reason="Moved out of the borough")
    assert names(claim) == ["Adams", "Baker"]
