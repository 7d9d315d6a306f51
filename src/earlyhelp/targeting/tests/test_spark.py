"""The same linkage on a local Spark session gives the same clusters as on DuckDB.

Needs pyspark (the `spark` extra) and a Java runtime; without them the test is skipped, and says
so on the terminal whatever the capture settings.
"""

import sys

import pytest

from earlyhelp.targeting.linkage.files import link_files
from earlyhelp.targeting.spark import spark_available

from .test_link_command import files  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def partition(clusters):
    groups = {}
    for row in clusters.to_pylist():
        groups.setdefault(row["cluster_id"], set()).add((row["file"], row["record_id"]))
    return {frozenset(g) for g in groups.values()}


def test_spark_gives_the_same_clusters_as_duckdb(files):  # noqa: F811
    reason = spark_available()
    if reason:
        sys.__stderr__.write(f"\n*** SKIPPED the Spark parity test: {reason} ***\n")
        pytest.skip(f"Spark parity not tested: {reason}")
    from earlyhelp.targeting.spark import get_spark_session

    mapping, school, health = files
    duck, _, duck_notes = link_files(mapping, [school, health])
    spark, _, spark_notes = link_files(
        mapping, [school, health], backend="spark", spark=get_spark_session()
    )
    assert partition(spark) == partition(duck)
    assert spark_notes["pairs_scored"] == duck_notes["pairs_scored"]
    assert len(partition(duck)) == 4
