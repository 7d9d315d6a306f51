"""Outcomes checked against a real targeting run (targeting's tiny borough, linked by Splink):
the family already in earlyhelp is found in the run's households and judged on its records."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from earlyhelp.results import services
from earlyhelp.results.models import Framework, Measure
from earlyhelp.targeting import services as targeting
from earlyhelp.targeting.pipeline import run as pipeline_run
from earlyhelp.targeting.tests.borough import REFERENCE, import_all, jessica_in_earlyhelp

pytestmark = pytest.mark.django_db


def test_checked_against_the_newest_run(tmp_path, targeting_dir, analyst, worker):
    # No run yet: families are judged on casework alone (none here).
    assert services.check_programme(user=analyst, reference=REFERENCE) == {
        "families": 0, "needs": 0, "claimable": 0, "run": None, "not_linked": 0}
    import_all(tmp_path, analyst)
    family, _ = jessica_in_earlyhelp()
    run = pipeline_run.execute(
        targeting.run_start(acting_user=analyst, reference_date=REFERENCE, enqueue=False))
    framework = Framework.objects.get(code="sf-2022-25")
    attachment = services.attach_family(user=analyst, framework=framework, family=family,
                                        attached_on=dt.date(2025, 6, 1))
    services.add_need(user=analyst, attachment=attachment,
                      measure=Measure.objects.get(outcome__framework=framework, code="attendance"),
                      identified_on=dt.date(2025, 6, 1))
    with pytest.raises(PermissionDenied):
        services.check_programme(user=worker, reference=REFERENCE)
    counts = services.check_programme(user=analyst, reference=REFERENCE)
    assert counts == {"families": 1, "needs": 1, "claimable": 0, "run": str(run.pk),
                      "not_linked": 0}
    attachment.refresh_from_db()
    assert attachment.household_key
    need = attachment.needs.get()
    # Jessica's autumn term 2025: 20 of 120 sessions unauthorised (17%) – the problem is there.
    assert (need.met, need.sustained) == (False, False)
    assert [(e["record"], e["date"], e["counted"]) for e in need.evidence] == [
        ("school_attendance:S1", "2025-09-01", True)]
    call_command("results_check_outcomes", "--user", "analyst", "--date", str(REFERENCE))
    with pytest.raises(CommandError, match="only performance analysts"):
        call_command("results_check_outcomes", "--user", "worker")


def test_check_outcomes_now_on_the_programme_page(tmp_path, targeting_dir, analyst, worker):
    from django.test import Client
    from django.urls import reverse

    from earlyhelp.core.dates import today
    from earlyhelp.core.models import AuditEvent
    from earlyhelp.core.testing.two_factor import verified_login

    framework = Framework.objects.get(code="sf-2022-25")
    url = reverse("results:framework_check", args=[framework.code])
    client = verified_login(Client(), analyst)
    # No run yet: the check runs on casework alone, and says so in the audit.
    assert client.post(url).status_code == 302
    assert AuditEvent.objects.filter(object_id=str(framework.pk),
                                     detail__contains="casework only (no targeting run)").exists()
    assert client.get(url).status_code == 405  # a check is a POST
    assert verified_login(Client(), worker).post(url).status_code == 404
    import_all(tmp_path, analyst)
    family, _ = jessica_in_earlyhelp()
    pipeline_run.execute(
        targeting.run_start(acting_user=analyst, reference_date=REFERENCE, enqueue=False))
    attachment = services.attach_family(user=analyst, framework=framework, family=family,
                                        attached_on=dt.date(2025, 6, 1))
    page = client.get(reverse("results:framework", args=[framework.code])).content.decode()
    assert "Check outcomes now" in page
    response = client.post(url)
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.checked_on == today() and attachment.household_key
    assert AuditEvent.objects.filter(object_id=str(framework.pk),
                                     detail__startswith="outcomes checked").exists()
