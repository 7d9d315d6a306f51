"""Linkage estimates its model from whichever identifying details the files have, and never
fails for lack of one (issue 15): names only; names and date of birth; with or without postcode,
NHS number and UPN. Each runs the training path (enough distinct records) end to end."""

import csv
import json

import pytest
from django.core.management import call_command

from earlyhelp.targeting.linkage.model import MIN_PROFILES_TO_TRAIN

from .linkage_data import mapping_for, pairwise_f1, people_files

COMBINATIONS = [
    (("first_name", "surname"), {"first_name", "surname"}, 0.6),
    (("first_name", "surname", "date_of_birth"), {"first_name", "surname", "dob"}, 0.95),
    (
        ("first_name", "surname", "date_of_birth", "postcode"),
        {"first_name", "surname", "dob", "location"},
        0.95,
    ),
    (("first_name", "surname", "postcode"), {"first_name", "surname", "location"}, 0.9),
    (
        ("first_name", "surname", "date_of_birth", "nhs_number"),
        {"first_name", "surname", "dob", "nhs_number"},
        0.95,
    ),
    (
        ("first_name", "surname", "date_of_birth", "postcode", "upn"),
        {"first_name", "surname", "dob", "location", "upn"},
        0.95,
    ),
    (
        ("first_name", "surname", "date_of_birth", "postcode", "nhs_number", "upn"),
        {"first_name", "surname", "dob", "location", "nhs_number", "upn"},
        0.95,
    ),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("people")
    a, b, truth = people_files(folder)
    assert len(truth) > MIN_PROFILES_TO_TRAIN
    return folder, a, b, truth


@pytest.mark.parametrize(("columns", "comparisons", "f1_floor"), COMBINATIONS)
def test_training_follows_the_columns_present(data, tmp_path, columns, comparisons, f1_floor):
    folder, a, b, truth = data
    mapping = mapping_for(tmp_path, columns)
    out, model = tmp_path / "clusters.csv", tmp_path / "model.json"
    call_command(
        "link",
        str(a),
        str(b),
        "--config",
        str(mapping),
        "--out",
        str(out),
        "--save-model",
        str(model),
    )
    saved = json.loads(model.read_text())
    assert {c["output_column_name"] for c in saved["comparisons"]} == comparisons
    # Every level has an m and a u value: nothing left untrained for the scoring to trip on.
    for comparison in saved["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] is not None, (comparison["output_column_name"], level)
                assert level["u_probability"] is not None, (comparison["output_column_name"], level)
    with open(out) as handle:
        clusters = list(csv.DictReader(handle))
    assert len(clusters) == len(truth)
    assert pairwise_f1(clusters, truth) >= f1_floor


def test_a_model_saved_without_nhs_numbers_links_files_that_have_them(data, tmp_path):
    """A model cut to fewer details still scores files that carry more (they are ignored)."""
    folder, a, b, truth = data
    model = tmp_path / "model.json"
    call_command(
        "link",
        str(a),
        str(b),
        "--config",
        str(mapping_for(tmp_path, ("first_name", "surname", "date_of_birth"))),
        "--out",
        str(tmp_path / "first.csv"),
        "--save-model",
        str(model),
    )
    out = tmp_path / "second.csv"
    call_command(
        "link",
        str(a),
        str(b),
        "--config",
        str(mapping_for(tmp_path, ("first_name", "surname", "date_of_birth", "nhs_number"))),
        "--out",
        str(out),
        "--model",
        str(model),
    )
    with open(out) as handle:
        assert pairwise_f1(list(csv.DictReader(handle)), truth) >= 0.95
