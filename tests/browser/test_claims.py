"""The claim walk in a real browser, axe-core on every page: an analyst prepares a claim (a
mistake first, answered by the error summary) and is refused as its verifier; a second analyst
draws the sample, passes one family and fails the other with a reason, approves the claim,
downloads the CSV and records a payment."""

import csv
import io

import pytest

from earlyhelp.results.models import Claim, ClaimPayment, ClaimStatus, Verification
from earlyhelp.results.tests import claims_world

from .test_results import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_claim_walk(checked_page, live_server, world):
    programme = claims_world.build(world)
    start, end = claims_world.WINDOW
    preparer = signed_in(checked_page(), live_server, world.analyst)
    preparer.goto("/results/claims/")
    preparer.select("Programme", "Supporting Families 2022–25")
    preparer.fill_date("id_window_start", start.day, start.month, start.year)
    preparer.click_button("Prepare the claim")
    assert "Enter the last day of the window" in preparer.error_summary()
    preparer.fill_date("id_window_end", end.day, end.month, end.year)
    preparer.click_button("Prepare the claim")
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.PREPARED
    families = preparer.locator("#claim-families").inner_text()
    assert all(name in families for name in ("Adams", "Baker", "Clarke"))
    # The preparer is not its verifier: no sample form, and why.
    assert preparer.get_by_role("button", name="Draw the sample").count() == 0
    assert "Someone other than the claim's preparer" in preparer.content()
    claim_url = preparer.path

    verifier = signed_in(checked_page(), live_server, programme.second_analyst)
    verifier.goto(claim_url)
    verifier.fill("How many families to sample", "2").fill("Seed (optional)", "42")
    verifier.click_button("Draw the sample")
    assert "seed 42" in verifier.locator("#claim-sample").inner_text()
    sampled = [row.attachment.family.name for row in claim.families.filter(
        verification=Verification.TO_CHECK).select_related("attachment__family")]
    assert len(sampled) == 2
    for name, verdict, reason in ((sampled[0], "Yes: it passes", "Police return checked"),
                                  (sampled[1], "No: it fails and comes out of the claim",
                                   "No attendance return for the summer term")):
        verifier.click_link(name, exact=True)
        verifier.click_button("Record the verdict")
        assert "Select whether the family passes" in verifier.error_summary()
        verifier.choose(verdict).fill("Reason", reason)
        verifier.click_button("Record the verdict")
        assert verifier.heading().startswith("Supporting Families 2022–25")
    assert "No attendance return for the summer term" in verifier.locator(
        "#claim-families").inner_text()
    verifier.click_button("Approve the claim")
    assert "locked" in verifier.content()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.approved_by == programme.second_analyst

    with verifier.expect_download() as download:
        verifier.get_by_role("button", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(
        open(download.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 3  # the header and the two families still in the claim
    today = claim.approved_on
    verifier.fill_date("id_received_on", today.day, today.month, today.year)
    verifier.fill("Amount (£)", "1600.00").fill("Payment reference", "SF-25-Q1")
    verifier.click_button("Record the payment")
    assert "SF-25-Q1" in verifier.locator("#claim-payments").inner_text()
    assert ClaimPayment.objects.get().amount == 1600
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
