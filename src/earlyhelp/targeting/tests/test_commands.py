"""`earlyhelp targeting_import` and `earlyhelp targeting_run`."""

import io

import pytest
from django.core.management import CommandError, call_command

from earlyhelp.targeting.models import SourceBatch, TargetingRun

from .borough import source_files
from .helpers import person, write_source

pytestmark = pytest.mark.django_db


def test_import_prints_every_bad_row_and_writes_nothing(tmp_path, targeting_dir):
    path = write_source(
        tmp_path / "police.csv",
        "police",
        [
            {
                **person("Amy", "Shah", "2012-02-14", "F"),
                "record_id": "P1",
                "incident_date": "2025-10-01",
                "incident_type": "crime",
                "involvement": "witness",
            },
            {
                **person("Ben", "", "2012-02-14", "F"),
                "record_id": "P2",
                "incident_date": "yesterday",
                "incident_type": "theft",
                "involvement": "witness",
            },
        ],
    )
    out, errors = io.StringIO(), tmp_path / "problems.csv"
    with pytest.raises(CommandError, match="3 problem\\(s\\) in 1 row\\(s\\)"):
        call_command(
            "targeting_import",
            "police",
            str(path),
            "--errors-csv",
            str(errors),
            stdout=out,
            stderr=io.StringIO(),
        )
    assert out.getvalue().splitlines() == [
        "row 3, column incident_date: is not a date (use 2025-09-01 or 01/09/2025)",
        "row 3, column incident_type: is not one of the codes: crime, asb",
        "row 3, column surname: is required",
    ]
    assert errors.read_text().splitlines()[0] == "row,column,reason"
    assert not SourceBatch.objects.exists()


def test_import_and_run_from_the_command_line(tmp_path, targeting_dir):
    for code, path in source_files(tmp_path).items():
        out, progress = io.StringIO(), io.StringIO()
        call_command("targeting_import", code, str(path), stdout=out, stderr=progress)
        assert "Imported" in out.getvalue()
        assert "checking" in progress.getvalue()
    out = io.StringIO()
    call_command("targeting_run", "--date", "2026-03-31", "--criteria", "phase-2", stdout=out)
    text = out.getvalue()
    assert "100% Finished" in text
    assert "phase-2:" in text
    run = TargetingRun.objects.get()
    assert run.status == "finished"
    assert [s.code for s in run.criteria_sets.all()] == ["phase-2"]


def test_run_refuses_an_unknown_criteria_set(targeting_dir):
    with pytest.raises(CommandError, match="Unknown criteria set\\(s\\): nope"):
        call_command("targeting_run", "--criteria", "nope")
    assert not TargetingRun.objects.exists()
