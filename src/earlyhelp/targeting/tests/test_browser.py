"""Targeting pages in a real browser, with axe-core (WCAG 2.2 AA) on every page.

Skipped, loudly, without /usr/bin/chromium (see tests/browser/support.py)."""

import pytest
from django.test import Client

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.targeting import services
from earlyhelp.targeting.models import ClericalReview, ReviewStatus
from earlyhelp.targeting.pipeline import run as pipeline_run

from .borough import REFERENCE, import_all, jessica_in_earlyhelp

# Transactional: the live server runs in another thread.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):
    client = Client()
    verified_login(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_an_analyst_reviews_a_pair_and_opens_a_cohort(
    checked_page, live_server, tmp_path, targeting_dir, analyst
):
    import_all(tmp_path, analyst)
    jessica_in_earlyhelp()
    run = pipeline_run.execute(
        services.run_start(acting_user=analyst, reference_date=REFERENCE, enqueue=False)
    )
    page = signed_in(checked_page(), live_server, analyst)
    page.goto("/targeting/")
    assert page.heading() == "Targeting"
    page.fill_date("id_reference_date", "31", "2", "2026").click_button("Start the run")
    assert "The reference date must be a real date" in page.error_summary()
    page.goto(f"/targeting/runs/{run.pk}/")
    page.click_link("Review uncertain pairs")
    assert page.heading() == "Clerical review"
    review = ClericalReview.objects.filter(run=run).first()
    page.goto(f"/targeting/runs/{run.pk}/review/{review.pk}/")
    assert page.heading() == "Are these the same person?"
    page.click_button("Save decision")
    assert "Select whether these records are the same person" in page.error_summary()
    page.choose("No, different people").click_button("Save decision")
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED
    page.goto(f"/targeting/runs/{run.pk}/cohorts/phase-2/")
    assert page.heading() == "Troubled Families Phase 2 (2015–20)"
    family = run.cohort.filter(criteria_set__code="phase-2").order_by("-eligible").first()
    page.click_link(family.household_key)
    assert page.heading() == f"Household {family.household_key}"
    page.click_link("Link 1", exact=False)
    assert page.heading().startswith("Why these records were")
    page.close()


def test_an_analyst_uploads_a_bad_then_a_good_agency_file(
    checked_page, live_server, tmp_path, targeting_dir, analyst
):
    from earlyhelp.targeting.models import SourceBatch

    from .test_imports import good_attendance
    from .test_upload import bad_attendance

    page = signed_in(checked_page(), live_server, analyst)
    page.goto("/targeting/")
    page.click_link("Upload an agency file")
    assert page.heading() == "Upload an agency file"
    page.click_button("Check and import")
    assert "Select which agency's file this is" in page.error_summary()
    page.choose("School attendance")
    page.locator("#id_file").set_input_files(str(bad_attendance(tmp_path)))
    page.click_button("Check and import")
    assert page.heading() == "bad.csv"
    assert "Nothing was written" in page.error_summary()
    assert "is not a date" in page.locator("#problems").inner_text()
    assert not SourceBatch.objects.exists()
    page.click_link("Upload another file")
    page.choose("School attendance")
    page.locator("#id_file").set_input_files(str(good_attendance(tmp_path)))
    page.click_button("Check and import")
    batch = SourceBatch.objects.get()
    provenance = page.locator("#provenance").inner_text()
    assert batch.sha256 in provenance and "attendance.csv" in provenance
    assert analyst.display_name in provenance
    page.close()
