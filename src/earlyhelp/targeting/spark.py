"""A local Spark session for the Spark linkage backend (pyspark is an optional extra).

A partnership or region whose data outgrows one machine points EARLYHELP_SPARK_MASTER at its
cluster (e.g. "spark://host:7077"); the default runs Spark inside this machine.
"""

import tempfile
from functools import cache

from django.conf import settings


class SparkUnavailable(RuntimeError):
    pass


def spark_available() -> str | None:
    """None when Spark can run here, else the reason it cannot."""
    import shutil
    from importlib.util import find_spec

    if find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'earlyhelp[spark]')"
    if shutil.which("java") is None:
        return "no Java runtime (Spark needs Java 17 or later on the PATH)"
    return None


@cache
def get_spark_session():
    reason = spark_available()
    if reason:
        raise SparkUnavailable(reason)
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = getattr(settings, "EARLYHELP_SPARK_MASTER", "local[2]")
    scratch = tempfile.mkdtemp(prefix="earlyhelp-spark-")
    builder = (
        SparkSession.builder.master(master)
        .appName("earlyhelp-targeting")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", getattr(settings, "EARLYHELP_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{scratch}/warehouse")
        .config("spark.local.dir", f"{scratch}/local")
    )
    if master.startswith("local"):
        # One machine: few partitions, and no code generation (small jobs spend longer
        # compiling code than running it).
        builder = (
            builder.config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.wholeStage", "false")
        )
    for key, value in getattr(settings, "EARLYHELP_SPARK_CONFIG", {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(f"{scratch}/checkpoints")
    return session
