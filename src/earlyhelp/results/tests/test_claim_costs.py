"""A claim's cost avoidance, computed by hand, and taking a family out of a prepared claim.

The claims world (claims_world.py): Adams, Baker and Clarke are in the claim, each joined the
programme on 1 January 2025 – the reference date. No targeting run here, so only casework
(step-ups to children's social care) is priced: £500 in 2023 prices, uprated to 2024 (×1.03) =
£515.00. With 6 months: before 1 July – 31 December 2024, after 2 January – 1 July 2025.
  Adams  step-ups 1 Oct 2024 (before) and 1 Mar 2025 (after)        515 / 515
  Baker  step-up 1 Dec 2024 (before); 1 Jan 2025 (the day itself: neither window) 515 / 0
  Clarke step-ups 30 Jun 2024 (a day before the window: out), 1 Jul 2024 (its first day: before),
         2 Jul 2025 (a day after the after window: out)              515 / 0
  Evans  (not in the claim) step-up 1 Oct 2024: not counted
Claim: 3 families, before £1,545.00, after £515.00, avoided £1,030.00.
With Baker taken out: 2 families, before £1,030.00, after £515.00, avoided £515.00.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from earlyhelp.cases.models import Transition
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.results.claims import services
from earlyhelp.results.costs import selectors as costs
from earlyhelp.results.models import ClaimFamily, ClaimStatus, Verification

from . import claims_world

D = dt.date
START, END = claims_world.WINDOW
STEP_UPS = {"Adams": [D(2024, 10, 1), D(2025, 3, 1)], "Baker": [D(2024, 12, 1), D(2025, 1, 1)],
            "Clarke": [D(2024, 6, 30), D(2024, 7, 1), D(2025, 7, 2)],
            "Evans": [D(2024, 10, 1)]}


@pytest.fixture
def claim(world):
    programme = claims_world.build(world)
    for name, days in STEP_UPS.items():
        family = programme.attachments[name].family
        episode = EpisodeFactory(family=family, start_date=D(2024, 1, 1))
        for day in days:
            Transition.objects.create(kind="step_up", family=family, episode=episode, date=day,
                                      reason="Risk rose.", recorded_by=world.manager)
    made = services.prepare_claim(user=world.analyst, framework=programme.framework,
                                  window_start=START, window_end=END)
    made.second_analyst = programme.second_analyst
    return made


def client_for(user):
    return verified_login(Client(), user)


def test_the_cost_cohort_is_the_families_in_the_claim(claim):
    cohort = claim.cost_cohort()
    assert [(f.name, day, key) for f, day, key in cohort] == [
        ("Adams", D(2025, 1, 1), "H1"), ("Baker", D(2025, 1, 1), "H2"),
        ("Clarke", D(2025, 1, 1), "H3")]


def test_a_claims_cost_avoidance_by_hand(world, claim):
    result = costs.price_claim(user=world.analyst, claim=claim, months=6)
    total = result.cohort.total
    assert result.cohort.families == 3
    assert (total.before, total.after, total.avoided) == (
        Decimal("1545.00"), Decimal("515.00"), Decimal("1030.00"))
    assert sorted((ln.family, ln.start, ln.window) for ln in result.lines) == [
        ("Adams", D(2024, 10, 1), "before"), ("Adams", D(2025, 3, 1), "after"),
        ("Baker", D(2024, 12, 1), "before"), ("Clarke", D(2024, 7, 1), "before")]
    assert "No finished targeting run" in " ".join(result.caveats)
    assert AuditEvent.objects.filter(action="search", object_type="results.costavoidance",
                                     detail__contains=str(claim.pk)).exists()


def test_the_claim_page_links_its_cost_avoidance_page_and_xlsx(world, claim):
    client = client_for(world.analyst)
    html = client.get(reverse("results:claim", args=[claim.pk])).content.decode()
    assert reverse("results:claim_costs", args=[claim.pk]) in html
    response = client.get(reverse("results:claim_costs", args=[claim.pk]), {"months": "6"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "£1,545.00" in html and "£1,030.00" in html and "Regression to the mean" in html
    response = client.get(reverse("results:claim_costs_xlsx", args=[claim.pk]), {"months": "6"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    lines = list(book["Lines"].iter_rows(values_only=True))[1:]
    assert sorted((row[1], row[8], row[13]) for row in lines) == [
        ("Adams", "after", 515), ("Adams", "before", 515), ("Baker", "before", 515),
        ("Clarke", "before", 515)]
    assert ("Cohort", 1545, 515, 1030, 3) in list(book["Summary"].iter_rows(values_only=True))
    assert AuditEvent.objects.filter(action="export", object_id=str(claim.pk),
                                     detail__contains="cost avoidance").exists()


def test_bad_months_is_an_error_summary_and_prices_nothing(world, claim):
    client = client_for(world.analyst)
    for name in ("results:claim_costs", "results:claim_costs_xlsx"):
        response = client.get(reverse(name, args=[claim.pk]), {"months": "99"})
        assert response.status_code == 400
        assert "Months must be 36 or fewer" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="results.costavoidance").exists()


@pytest.mark.parametrize("who", ["worker", "partner", "manager", "admin", "front_door"])
def test_whoever_may_not_see_both_claims_and_costs_gets_a_404(world, claim, who):
    """Managers see cost avoidance but not claims; administrators claims but not costs."""
    client = client_for(getattr(world, who))
    for name in ("results:claim_costs", "results:claim_costs_xlsx"):
        assert client.get(reverse(name, args=[claim.pk]), {"months": "6"}).status_code == 404


def test_taking_a_family_out_of_a_prepared_claim(world, claim):
    client = client_for(world.analyst)
    baker = claim.families.get(attachment__family__name="Baker")
    url = reverse("results:claim_family_remove", args=[claim.pk, baker.pk])
    page = client.get(reverse("results:claim_family", args=[claim.pk, baker.pk]))
    assert "Take this family out of the claim" in page.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Say why the family comes out of the claim" in response.content.decode()
    baker.refresh_from_db()
    assert not baker.withdrawn
    response = client.post(url, {"reason": "Moved out of the borough before the window"})
    assert response.status_code == 302
    baker.refresh_from_db()
    assert baker.withdrawn and baker.reason == "Moved out of the borough before the window"
    assert AuditEvent.objects.filter(object_id=str(baker.pk), action="change").exists()
    # The claim's cost avoidance no longer counts Baker.
    result = costs.price_claim(user=world.analyst, claim=claim, months=6)
    assert (result.cohort.families, result.cohort.total.before, result.cohort.total.avoided) == (
        2, Decimal("1030.00"), Decimal("515.00"))
    # An administrator sees claims but does not prepare them: 403, nothing changed.
    adams = claim.families.get(attachment__family__name="Adams")
    response = client_for(world.admin).post(
        reverse("results:claim_family_remove", args=[claim.pk, adams.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert not ClaimFamily.objects.get(pk=adams.pk).withdrawn


def test_taking_a_family_out_is_refused_once_sampled_or_approved(world, claim):
    client = client_for(world.analyst)
    services.draw_sample(user=claim.second_analyst, claim=claim, size=1, seed=3)
    sampled = claim.families.get(verification=Verification.TO_CHECK)
    other = claim.families.exclude(pk=sampled.pk).first()
    url = reverse("results:claim_family_remove", args=[claim.pk, other.pk])
    response = client.post(url, {"reason": "Too late"})
    assert response.status_code == 409
    assert "before its sample is drawn" in response.content.decode()
    services.verify_family(user=claim.second_analyst, claim=claim, claim_family=sampled,
                           passed=True, reason="Records match")
    services.approve(user=claim.second_analyst, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    page = client.get(reverse("results:claim_family", args=[claim.pk, other.pk]))
    assert "Take this family out" not in page.content.decode()
    response = client.post(url, {"reason": "Too late"})
    assert response.status_code == 409 and "locked" in response.content.decode()
    other.refresh_from_db()
    assert not other.withdrawn and other.reason == ""
