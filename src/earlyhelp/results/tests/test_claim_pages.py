"""The claims pages: the walk from prepare to payment, GOV.UK error summaries with nothing
saved, 409 once a claim is locked, 404 for everyone outside the claims roles on every page and
POST, and the export files read back."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.results.claims import services
from earlyhelp.results.models import Claim, ClaimLayout, ClaimPayment, ClaimStatus, Verification

from . import claims_world

START, END = claims_world.WINDOW


@pytest.fixture
def programme(world):
    return claims_world.build(world)


def client_for(user):
    return verified_login(Client(), user)


def date(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month),
            f"{prefix}_year": str(day.year)}


def test_prepare_verify_approve_export_and_pay(world, programme):
    preparer, verifier = client_for(world.analyst), client_for(programme.second_analyst)
    response = preparer.post(reverse("results:claims"), {
        "framework": str(programme.framework.pk), **date("window_start", START),
        **date("window_end", END)})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "results:claim", args=[claim.pk])
    html = preparer.get(reverse("results:claim", args=[claim.pk])).content.decode()
    assert all(name in html for name in ("Adams", "Baker", "Clarke"))
    assert "Davies" not in html and "Draw the sample" not in html  # not for its preparer
    # The preparer may not draw the sample (403); the verifier may.
    url = reverse("results:claim_sample", args=[claim.pk])
    assert preparer.post(url, {"size": "2"}).status_code == 403
    assert verifier.post(url, {"size": "2", "seed": "42"}).status_code == 302
    claim.refresh_from_db()
    assert claim.sample_seed == 42 and claim.status == ClaimStatus.VERIFYING
    sampled = list(claim.families.exclude(verification=Verification.NOT_SAMPLED))
    assert len(sampled) == 2
    page = verifier.get(reverse("results:claim_family", args=[claim.pk, sampled[0].pk]))
    assert "Verify this family" in page.content.decode()
    for row, verdict in zip(sampled, ("passed", "failed"), strict=True):
        response = verifier.post(reverse("results:claim_family", args=[claim.pk, row.pk]),
                                 {"verdict": verdict, "reason": f"Checked: {verdict}"})
        assert response.status_code == 302
    assert preparer.post(reverse("results:claim_approve", args=[claim.pk])).status_code == 403
    assert verifier.post(reverse("results:claim_approve", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    in_claim = sorted(r.attachment.family.name for r in claim.families.filter(withdrawn=False))
    assert len(in_claim) == 2
    # Export: CSV in the default layout, read back.
    response = preparer.get(reverse("results:claim_export", args=[claim.pk, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Claim", "Programme", "Family reference"]
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"sf-2022-25"}
    families = {str(r.attachment.family_id): r.attachment.family.name
                for r in claim.families.filter(withdrawn=False)}
    assert sorted(families[r[2]] for r in rows[1:]) == in_claim
    assert AuditEvent.objects.filter(object_id=str(claim.pk), action="export").exists()
    # Payment.
    response = preparer.post(reverse("results:claim_payment", args=[claim.pk]), {
        **date("received_on", claim.approved_on), "amount": "1600.00", "reference": "SF-25-Q1"})
    assert response.status_code == 302
    assert ClaimPayment.objects.get().reference == "SF-25-Q1"
    html = preparer.get(reverse("results:claim", args=[claim.pk])).content.decode()
    assert "£1600.00" in html and "SF-25-Q1" in html


def approved(world, programme):
    claim = services.prepare_claim(user=world.analyst, framework=programme.framework,
                                   window_start=START, window_end=END)
    services.draw_sample(user=world.admin, claim=claim, size=1, seed=5)
    row = claim.families.get(verification=Verification.TO_CHECK)
    services.verify_family(user=world.admin, claim=claim, claim_family=row, passed=True,
                           reason="Records match")
    services.approve(user=world.admin, claim=claim)
    claim.refresh_from_db()
    return claim


def test_a_locked_claim_refuses_every_change_with_409(world, programme):
    claim = approved(world, programme)
    verifier = client_for(programme.second_analyst)
    row = claim.families.first()
    before = row.verification
    for url, data in (
        (reverse("results:claim_sample", args=[claim.pk]), {"size": "1"}),
        (reverse("results:claim_approve", args=[claim.pk]), {}),
        (reverse("results:claim_family", args=[claim.pk, row.pk]),
         {"verdict": "failed", "reason": "late"}),
    ):
        response = verifier.post(url, data)
        assert response.status_code == 409, url
        assert "locked" in response.content.decode() and "govuk-error-summary" in \
            response.content.decode()
    row.refresh_from_db()
    assert row.verification == before
    assert not row.withdrawn


def test_exports_read_back_in_a_configured_layout(world, programme):
    claim = approved(world, programme)
    ClaimLayout.objects.create(code="short", name="Short", columns=[
        {"header": "Family", "field": "family_name"}, {"header": "Basis", "field": "basis"},
        {"header": "Outcomes", "field": "outcomes"}])
    client = client_for(world.admin)
    response = client.get(reverse("results:claim_export", args=[claim.pk, "xlsx"]),
                          {"layout": "short"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["Family", "Basis", "Outcomes"],
        ["Adams", "All outcomes met and sustained", "Safe from domestic abuse: "
         + programme.attachments["Adams"].needs.get().measure.name],
        ["Baker", "All outcomes met and sustained", None],  # an empty cell reads back as None
        ["Clarke", "All outcomes met and sustained", None],
    ]
    assert client.get(reverse("results:claim_export", args=[claim.pk, "pdf"])).status_code == 404
    assert client.get(reverse("results:claim_export", args=[claim.pk, "csv"]),
                      {"layout": "nope"}).status_code == 404


def test_an_unapproved_claim_is_not_exported(world, programme):
    claim = services.prepare_claim(user=world.analyst, framework=programme.framework,
                                   window_start=START, window_end=END)
    response = client_for(world.analyst).get(
        reverse("results:claim_export", args=[claim.pk, "csv"]))
    assert response.status_code == 409 and "approved" in response.content.decode()


def test_bad_input_shows_the_error_summary_and_saves_nothing(world, programme):
    client = client_for(world.analyst)
    response = client.post(reverse("results:claims"), {
        "framework": str(programme.framework.pk), **date("window_start", END),
        **date("window_end", START)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "on or before its end" in html
    response = client.post(reverse("results:claims"), {"framework": str(programme.framework.pk)})
    assert response.status_code == 400 and "Enter the first day of the window" in \
        response.content.decode()
    assert not Claim.objects.exists()
    claim = approved(world, programme)
    response = client.post(reverse("results:claim_payment", args=[claim.pk]), {
        **date("received_on", claim.approved_on), "amount": "-5", "reference": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Enter an amount more than £0" in html
    assert "Enter the payment&#x27;s reference" in html or "Enter the payment's reference" in html
    assert not ClaimPayment.objects.exists()
    verifier = client_for(programme.second_analyst)
    other = services.prepare_claim(user=world.analyst, framework=programme.framework,
                                   window_start=dt.date(2025, 1, 1), window_end=dt.date(2025, 3, 31))
    response = verifier.post(reverse("results:claim_sample", args=[other.pk]), {"size": "0"})
    assert response.status_code == 400 and "at least 1 family" in response.content.decode()
    other.refresh_from_db()
    assert other.status == ClaimStatus.PREPARED


@pytest.mark.parametrize("who", ["worker", "manager", "front_door", "partner"])
def test_outsiders_get_404_on_every_claims_page_and_post(world, programme, who):
    claim = approved(world, programme)
    row = claim.families.first()
    client = client_for(getattr(world, who))
    for url in (reverse("results:claims"), reverse("results:claim", args=[claim.pk]),
                reverse("results:claim_family", args=[claim.pk, row.pk]),
                reverse("results:claim_export", args=[claim.pk, "csv"])):
        assert client.get(url).status_code == 404, url
    for url in (reverse("results:claims"), reverse("results:claim_sample", args=[claim.pk]),
                reverse("results:claim_approve", args=[claim.pk]),
                reverse("results:claim_payment", args=[claim.pk]),
                reverse("results:claim_family", args=[claim.pk, row.pk])):
        assert client.post(url, {"size": "1"}).status_code == 404, url
    assert Claim.objects.get().status == ClaimStatus.APPROVED
    assert not ClaimPayment.objects.exists()
