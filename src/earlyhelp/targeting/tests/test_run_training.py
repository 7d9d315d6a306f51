"""`earlyhelp targeting_run --retrain` on source files that hold no NHS number (or UPN).

Most agency files carry no identifier. Here the run has enough distinct records to estimate its
own model (not the shipped one), and must do it from names, dates of birth and places alone.
"""

import csv
import io
from itertools import combinations

import duckdb
import pytest
from django.core.management import call_command

from earlyhelp.targeting.linkage.model import MIN_PROFILES_TO_TRAIN
from earlyhelp.targeting.models import LinkageModel, TargetingRun
from earlyhelp.targeting.pipeline.workspace import data_dir

from .helpers import write_source
from .linkage_data import people_files

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _source_rows(path, source):
    """The people file's rows as a source's records, with no identifier at all."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    extra = {
        "police": {
            "incident_date": "2025-10-01",
            "incident_type": "crime",
            "involvement": "victim",
        },
        "domestic_abuse": {"incident_date": "2025-11-01", "involvement": "victim"},
    }[source]
    return [
        {
            "record_id": row["id"],
            "first_name": row["first_name"],
            "surname": row["surname"],
            "date_of_birth": row["date_of_birth"],
            "postcode": row["postcode"],
            **extra,
        }
        for row in rows
    ]


def test_a_run_on_files_without_nhs_numbers_estimates_its_own_model(tmp_path, targeting_dir):
    a, b, truth = people_files(tmp_path, people=450)
    files = {
        "police": write_source(tmp_path / "police.csv", "police", _source_rows(a, "police")),
        "domestic_abuse": write_source(
            tmp_path / "da.csv", "domestic_abuse", _source_rows(b, "domestic_abuse")
        ),
    }
    for code, path in files.items():
        call_command(
            "targeting_import", code, str(path), stdout=io.StringIO(), stderr=io.StringIO()
        )
    out = io.StringIO()
    call_command(
        "targeting_run", "--date", "2026-03-31", "--retrain", "--criteria", "phase-2", stdout=out
    )
    run = TargetingRun.objects.get()
    assert run.status == "finished", out.getvalue()
    assert run.stats["profiles"] >= MIN_PROFILES_TO_TRAIN

    model = LinkageModel.objects.get()
    assert model == run.model
    assert not model.training_notes.get("shipped"), "used the shipped model, not training"
    assert model.trained_on_profiles == run.stats["profiles"]
    notes = model.training_notes
    assert notes["comparisons"] == ["first_name", "surname", "dob", "location"]
    assert "nhs_number" not in notes["comparisons"] and "upn" not in notes["comparisons"]
    # Date of birth lets EM learn the names and place; the names let it learn the date.
    assert notes["em_sessions"] == [["dob"], ["first_name", "surname"]]
    assert notes["deterministic_rules"] == [["first_name", "surname", "dob"]]
    saved = [c["output_column_name"] for c in model.settings_json["comparisons"]]
    assert saved == ["first_name", "surname", "dob", "location"]

    # The people it found are the people in the files (each file holds a person once).
    records = duckdb.sql(
        f"SELECT source, record_id, person_key "
        f"FROM '{data_dir() / run.output_dir / 'records.parquet'}'"
    ).fetchall()
    assert len(records) == len(truth)
    file_of = {"police": "a.csv", "domestic_abuse": "b.csv"}
    found: dict = {}
    for source, record_id, person_key in records:
        found.setdefault(person_key, []).append((file_of[source], record_id))
    predicted = {tuple(sorted(p)) for g in found.values() for p in combinations(g, 2)}
    by_person: dict = {}
    for key, pid in truth.items():
        by_person.setdefault(pid, []).append(key)
    actual = {tuple(sorted(p)) for g in by_person.values() for p in combinations(g, 2)}
    both = len(predicted & actual)
    precision, recall = both / len(predicted), both / len(actual)
    assert precision >= 0.98, f"precision {precision:.3f}"
    assert recall >= 0.9, f"recall {recall:.3f}"
