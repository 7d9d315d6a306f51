"""The demo's targeting: agency files about the demo's people and a finished run whose cohorts
are believable (some eligible families; households in proportion to the families)."""

from io import StringIO

import pytest
from django.core.management import call_command

from earlyhelp.demo.targeting import DEMO_SOURCES
from earlyhelp.people.models import Family
from earlyhelp.targeting.models import RunStatus, SourceBatch, TargetingRun

pytestmark = pytest.mark.django_db


def test_the_demo_has_agency_files_and_a_finished_run_with_eligible_families(settings, tmp_path):
    settings.EARLYHELP_TARGETING_DIR = str(tmp_path / "targeting")
    out = StringIO()
    call_command(
        "demo", "--families", "150", "--seed", "5", "--today", "2026-06-04", "--case-rate", "2",
        stdout=out,
    )  # fmt: skip
    assert "Targeting:" in out.getvalue()
    run = TargetingRun.objects.get()
    assert run.status == RunStatus.FINISHED, run.error
    assert set(SourceBatch.objects.values_list("source_type", flat=True)) == set(DEMO_SOURCES)
    assert all(b.imported_by is not None for b in SourceBatch.objects.all())
    eligible = {code: c["eligible"] for code, c in run.stats["cohort"].items()}
    assert any(n > 0 for n in eligible.values()), eligible
    families = Family.objects.count()
    households = run.stats["households"]
    # About one household per demo family (some people known at an old address, some parents
    # living apart): not the three per family the demo had without agency files.
    assert 0.7 * families <= households <= 1.5 * families, (households, families)
