"""The same linkage on a local Spark session gives the same clusters as on DuckDB.

Needs pyspark (the `spark` extra) and a Java runtime; without them the test is skipped, and says
so on the terminal whatever the capture settings.

Both engines score with the same saved model (training samples pairs at random, and each engine
samples its own way, so a model estimated on each would differ by design). With one model the
comparison SQL is the same on both, so the pairs scored, their probabilities (to 1e-9: the
engines sum floating-point weights in their own order) and the clusters must agree.
"""

import json
import sys

import pytest

from earlyhelp.targeting.linkage.files import link_files
from earlyhelp.targeting.spark import spark_available

from .linkage_data import mapping_for, people_files
from .test_link_command import files  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.spark]
TOLERANCE = 1e-9


def partition(clusters):
    groups = {}
    for row in clusters.to_pylist():
        groups.setdefault(row["cluster_id"], set()).add((row["file"], row["record_id"]))
    return {frozenset(g) for g in groups.values()}


def probabilities(pairs):
    return {
        frozenset(((r["file_l"], r["record_id_l"]), (r["file_r"], r["record_id_r"]))): r[
            "match_probability"
        ]
        for r in pairs.to_pylist()
    }


@pytest.fixture(scope="module")
def spark():
    reason = spark_available()
    if reason:
        sys.__stderr__.write(f"\n*** SKIPPED the Spark parity test: {reason} ***\n")
        pytest.skip(f"Spark parity not tested: {reason}")
    from earlyhelp.targeting.spark import get_spark_session

    return get_spark_session()


def test_spark_gives_the_same_clusters_as_duckdb(files, spark):  # noqa: F811
    mapping, school, health = files
    duck = link_files(mapping, [school, health])
    on_spark = link_files(mapping, [school, health], backend="spark", spark=spark)
    assert partition(on_spark.clusters) == partition(duck.clusters)
    assert on_spark.notes["pairs_scored"] == duck.notes["pairs_scored"]
    assert len(partition(duck.clusters)) == 4


def test_spark_and_duckdb_agree_on_ten_thousand_records(tmp_path, spark):
    # Big enough that every blocking rule and most comparison levels are exercised by
    # thousands of pairs; Spark's fixed start-up cost dominates its run time either way.
    a, b, _ = people_files(tmp_path, people=6_000)
    mapping = mapping_for(
        tmp_path, ("first_name", "surname", "date_of_birth", "postcode", "nhs_number")
    )
    model = tmp_path / "model.json"
    duck = link_files(mapping, [a, b], save_model=model)
    assert json.loads(model.read_text())["comparisons"]
    on_spark = link_files(mapping, [a, b], model_path=model, backend="spark", spark=spark)
    again = link_files(mapping, [a, b], model_path=model)
    ours, theirs = probabilities(again.pairs), probabilities(on_spark.pairs)
    assert len(again.clusters) >= 10_000
    assert len(ours) > 1_000, "too few scored pairs to compare the engines"
    assert set(ours) == set(theirs)
    differ = {k for k in ours if abs(ours[k] - theirs[k]) > TOLERANCE}
    assert not differ, f"{len(differ)} of {len(ours)} probabilities differ by more than 1e-9"
    assert partition(on_spark.clusters) == partition(again.clusters)
    assert partition(again.clusters) == partition(duck.clusters)
