"""The claims API: the same walk as the pages (prepare, sample, verdicts, approve, export,
payment), refusals in the one error shape, 409 with nothing changed once a claim is locked, and
everyone outside the claims roles refused (a list 403, a claim 404)."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent
from earlyhelp.results.models import Claim, ClaimFamily, ClaimPayment, ClaimStatus, Verification

from . import claims_world

START, END = claims_world.WINDOW
BASE = "/api/results/claims/"


@pytest.fixture
def programme(world):
    return claims_world.build(world)


def client_for(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def prepare(client):
    return client.post(BASE, {"framework": "sf-2022-25", "window_start": str(START),
                              "window_end": str(END)}, format="json")


def test_the_claim_walk_through_the_api(world, programme):
    preparer, verifier = client_for(world.analyst), client_for(programme.second_analyst)
    response = prepare(preparer)
    assert response.status_code == 201, response.content
    body = response.json()
    claim_id = body["id"]
    assert body["status"] == "prepared" and body["families_in_claim"] == 3
    assert sorted(f["family_name"] for f in body["families"]) == ["Adams", "Baker", "Clarke"]
    listed = preparer.get(BASE).json()
    assert [c["id"] for c in listed["results"]] == [claim_id]
    # The preparer may not draw the sample: 403 in the one shape, nothing changed.
    refused = preparer.post(f"{BASE}{claim_id}/sample/", {"size": 2}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert Claim.objects.get().status == ClaimStatus.PREPARED
    sampled = verifier.post(f"{BASE}{claim_id}/sample/", {"size": 2, "seed": 42}, format="json")
    assert sampled.status_code == 200 and sampled.json()["sample_seed"] == 42
    to_check = [f for f in sampled.json()["families"] if f["verification"] == "to_check"]
    assert len(to_check) == 2
    # A verdict without a reason is a 400 naming the field.
    bad = verifier.post(f"{BASE}{claim_id}/verdicts/", {
        "claim_family": to_check[0]["id"], "passed": True, "reason": ""}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["reason"]
    for row, passed in zip(to_check, (True, False), strict=True):
        done = verifier.post(f"{BASE}{claim_id}/verdicts/", {
            "claim_family": row["id"], "passed": passed,
            "reason": "Records match" if passed else "No police return for May"},
            format="json")
        assert done.status_code == 200
        assert done.json()["withdrawn"] is (not passed)
    assert preparer.post(f"{BASE}{claim_id}/approve/").status_code == 403
    approved = verifier.post(f"{BASE}{claim_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["families_in_claim"] == 2
    # Export: the CSV in the default layout, read back; audited.
    exported = preparer.get(f"{BASE}{claim_id}/export/")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Claim", "Programme", "Family reference"] and len(rows) == 3
    assert AuditEvent.objects.filter(object_id=claim_id, action="export").exists()
    xlsx = preparer.get(f"{BASE}{claim_id}/export/", {"kind": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert preparer.get(f"{BASE}{claim_id}/export/", {"kind": "pdf"}).status_code == 400
    # A payment: bad input is a 400 with field messages; a good one 201 and the claim is paid.
    bad = preparer.post(f"{BASE}{claim_id}/payments/", {
        "received_on": "soon", "amount": "lots", "reference": ""}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"received_on", "amount", "reference"}
    paid = preparer.post(f"{BASE}{claim_id}/payments/", {
        "received_on": approved.json()["approved_on"], "amount": "1600.00",
        "reference": "SF-25-Q1"}, format="json")
    assert paid.status_code == 201 and paid.json()["reference"] == "SF-25-Q1"
    detail = preparer.get(f"{BASE}{claim_id}/").json()
    assert detail["status"] == "paid" and detail["paid"] == "1600.00"
    assert [p["amount"] for p in detail["payments"]] == ["1600.00"]


def test_a_locked_claim_refuses_changes_with_409_and_changes_nothing(world, programme):
    preparer, verifier = client_for(world.analyst), client_for(programme.second_analyst)
    claim_id = prepare(preparer).json()["id"]
    # Export before approval is a 409 too.
    early = preparer.get(f"{BASE}{claim_id}/export/")
    assert early.status_code == 409 and early.json()["status"] == 409
    verifier.post(f"{BASE}{claim_id}/sample/", {"size": 1, "seed": 7}, format="json")
    row = ClaimFamily.objects.get(verification=Verification.TO_CHECK)
    verifier.post(f"{BASE}{claim_id}/verdicts/", {"claim_family": str(row.pk), "passed": True,
                                                  "reason": "Records match"}, format="json")
    assert verifier.post(f"{BASE}{claim_id}/approve/").status_code == 200
    other = ClaimFamily.objects.exclude(pk=row.pk).first()
    for url, data, client in (
        (f"{BASE}{claim_id}/remove-family/", {"claim_family": str(other.pk), "reason": "late"},
         preparer),
        (f"{BASE}{claim_id}/sample/", {"size": 1}, verifier),
        (f"{BASE}{claim_id}/verdicts/", {"claim_family": str(row.pk), "passed": False,
                                         "reason": "late"}, verifier),
        (f"{BASE}{claim_id}/approve/", {}, verifier),
    ):
        response = client.post(url, data, format="json")
        assert response.status_code == 409, url
        assert response.json()["code"] == "claim_locked" and "locked" in \
            response.json()["detail"]
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.verification == Verification.PASSED and not row.withdrawn
    assert not other.withdrawn and other.reason == ""


def test_taking_a_family_out_through_the_api(world, programme):
    preparer = client_for(world.analyst)
    claim_id = prepare(preparer).json()["id"]
    baker = ClaimFamily.objects.get(attachment__family__name="Baker")
    url = f"{BASE}{claim_id}/remove-family/"
    empty = preparer.post(url, {"claim_family": str(baker.pk), "reason": ""}, format="json")
    assert empty.status_code == 400 and list(empty.json()["errors"]) == ["reason"]
    response = preparer.post(url, {"claim_family": str(baker.pk), "reason": "Moved away"},
                             format="json")
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    # A family of another claim is an unknown reference.
    unknown = preparer.post(url, {"claim_family": str(programme.framework.pk),
                                  "reason": "x"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_reference"


@pytest.mark.parametrize("who", ["partner", "worker", "manager", "front_door"])
def test_everyone_outside_the_claims_roles_is_refused(world, programme, who):
    claim_id = prepare(client_for(world.analyst)).json()["id"]
    client = client_for(getattr(world, who))
    listed = client.get(BASE)
    assert listed.status_code == 403 and listed.json()["code"] == "permission_denied"
    assert prepare(client).status_code == 403
    assert client.get(f"{BASE}{claim_id}/").status_code == 404
    for action in ("sample", "verdicts", "approve", "payments", "remove-family"):
        response = client.post(f"{BASE}{claim_id}/{action}/", {}, format="json")
        assert response.status_code == 404 and response.json()["code"] == "not_found", action
    assert client.get(f"{BASE}{claim_id}/export/").status_code == 404
    assert Claim.objects.count() == 1 and not ClaimPayment.objects.exists()


def test_an_administrator_verifies_but_does_not_prepare(world, programme):
    admin = client_for(world.admin)
    assert prepare(admin).status_code == 403
    claim_id = prepare(client_for(world.analyst)).json()["id"]
    assert admin.get(f"{BASE}{claim_id}/").status_code == 200
    assert admin.post(f"{BASE}{claim_id}/sample/", {"size": 1}, format="json").status_code == 200


def test_a_claim_is_never_prepared_twice_for_a_family(world, programme):
    preparer = client_for(world.analyst)
    assert prepare(preparer).status_code == 201
    again = prepare(preparer)
    assert again.status_code == 400 and list(again.json()["errors"]) == ["window_start"]
    assert "3 already claimed" in again.json()["errors"]["window_start"][0]
    assert Claim.objects.count() == 1
    bad = preparer.post(BASE, {"framework": "no-such", "window_start": "2025-07-01",
                               "window_end": "2025-04-01"}, format="json")
    assert bad.status_code == 400 and "framework" in bad.json()["errors"]
