"""Run a linkage: train or load a model, score pairs, apply clerical decisions, cluster.

Works on the `lk_profiles` table `normalise.build_profiles` leaves in a DuckDB connection. The
scoring and clustering run on DuckDB (the default) or on a Spark session; either way the results
come back into the same DuckDB connection as tables:

- ``lk_pairs``    – every scored pair at or above the review floor, with its weights;
- ``lk_edges``    – the pairs after clerical decisions (accepted = 1, rejected = 0);
- ``lk_clusters`` – profile_id → cluster_id.
"""

import logging
import math
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from .. import rules
from . import model as linkage_model

logger = logging.getLogger(__name__)

BACKENDS = ("duckdb", "spark")


@dataclass
class LinkOptions:
    # Pairs at or above this probability are the same person.
    match_threshold: float = 0.95
    # Pairs from here up to the match threshold are uncertain: they go to clerical review.
    review_floor: float = 0.5
    backend: str = "duckdb"
    seed: int = 42
    # Sampling sizes for training. On the 1M benchmark 2e6 gave the same F1 as 1e6 and took
    # twice as long; 3e5 varied more from run to run (EM's sample is not seeded).
    u_max_pairs: float = 5e5
    em_max_pairs: float = 1e6
    # Scoring joins each blocked pair to both its profiles at once; above this many profiles
    # DuckDB scores them in slices of the left-hand profiles (Splink's chunked predict), so
    # the join's tables hold a slice at a time. On a million records (850,000 profiles) two
    # slices took the peak of the run from 1.5 to 1.2 GB, the pairs and the F1 unchanged.
    # Slicing costs time: every slice finds its blocked pairs afresh (the files command, whose
    # pairs are lean, scores a million records in one slice at 1.2 GB).
    profiles_per_slice: int = 500_000
    # The scored pairs keep each comparison's match weight (the explanation page needs them;
    # the files command does not, and leaves them out to save memory on big files).
    keep_weights: bool = True
    spark: object = None  # a SparkSession when backend == "spark"
    work_dir: Path | None = None
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise ValueError(f"Unknown linkage backend {self.backend!r}: use one of {BACKENDS}")
        if not 0 < self.review_floor <= self.match_threshold < 1:
            raise ValueError("Need 0 < review floor <= match threshold < 1")


class _Backend:
    """The Splink database API and the profiles table registered in it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, options: LinkOptions):
        self.con = con
        self.options = options
        self._tmp = None
        if options.backend == "spark":
            from splink import SparkAPI

            if options.spark is None:
                raise ValueError("The Spark backend needs a Spark session (see spark.py)")
            self.spark = options.spark
            self.db_api = SparkAPI(
                spark_session=self.spark,
                break_lineage_method="persist",
                num_partitions_on_repartition=2,
            )
            profiles = self.spark.read.parquet(self._to_parquet("lk_profiles"))
            # A Spark session outlives one linkage (the service keeps one), and Splink refuses to
            # overwrite a view it did not name itself: each linkage registers under its own name.
            self._view = f"lk_profiles_{uuid.uuid4().hex[:12]}"
            self.profiles = self.db_api.register(
                profiles, table_name=self._view, dataset_display_name="profiles"
            )
        else:
            from splink import DuckDBAPI

            self.db_api = DuckDBAPI(connection=con)
            self.profiles = self.db_api.register("lk_profiles", dataset_display_name="profiles")

    def _to_parquet(self, table: str) -> str:
        if self._tmp is None:
            base = self.options.work_dir
            if base is not None:
                Path(base).mkdir(parents=True, exist_ok=True)
            self._tmp = tempfile.mkdtemp(prefix="earlyhelp-link-", dir=base)
        path = str(Path(self._tmp) / f"{table}.parquet")
        self.con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
        return path

    def fetch(self, splink_df) -> pa.Table:
        return splink_df.as_pyarrow_table()

    def close(self):
        if self.options.backend == "spark":
            self.spark.catalog.dropTempView(self._view)
        else:
            _drop_splink_tables(self.con)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


def _drop_splink_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Splink leaves its working tables in the connection when a linker is done with them:
    after training, EM's blocked pairs and comparison vectors and the term frequencies; after
    scoring, the term frequencies again. Nothing reads them after (each linker makes its own),
    and on a million records they were still held while the pairs were scored, the peak of
    the run."""
    tables = con.execute(
        "SELECT database_name, schema_name, table_name FROM duckdb_tables() "
        "WHERE table_name LIKE '\\_\\_splink\\_\\_%' ESCAPE '\\'"
    ).fetchall()
    for database, schema, table in tables:
        con.execute(f'DROP TABLE IF EXISTS "{database}"."{schema}"."{table}"')


def _linker(backend: _Backend, model: dict, columns: set[str]):
    from splink import Linker

    settings = linkage_model.for_engine(
        model, backend.options.backend, columns, keep_weights=backend.options.keep_weights
    )
    # Splink's settings check parses every level's SQL again (about 0.5 s a linker) to log
    # columns the data lacks; the settings come from our own code over columns we just built,
    # and the tests run them on every combination of columns.
    linker = Linker(backend.profiles, settings, log_level=logging.WARNING, validate_settings=False)
    if not backend.options.keep_weights:
        _keep_levels(linker)
    return linker


def _keep_levels(linker) -> None:
    """Splink keeps a comparison's level (gamma_<name>) in the scored pairs only together with
    every detail the comparison read, left and right. The hold rules read the levels alone, so
    the files command asks for the levels without the details: on a million records the
    details were 170 MB of the scoring's peak, written and never read."""
    for comparison in linker._settings_obj.core_model_settings.comparisons:
        select, gamma = comparison._columns_to_select_for_predict, comparison._gamma_column_name

        def with_level(*args, _select=select, _gamma=gamma):
            columns = _select(*args)
            return columns if _gamma in columns else [*columns, _gamma]

        comparison._columns_to_select_for_predict = with_level


def usable_model(con: duckdb.DuckDBPyConnection, model: dict) -> tuple[dict, set[str]]:
    """The model cut to the details these profiles hold, and those details."""
    columns = linkage_model.present_columns(con)
    comparisons = linkage_model.comparisons_for(columns)
    return linkage_model.restrict(model, comparisons), columns


def train(con: duckdb.DuckDBPyConnection, options: LinkOptions) -> dict:
    """Estimate a model from the profiles alone (no labels), on whichever identifying details
    they hold. Training starts from the shipped model's m values, so a level no training step
    can learn (e.g. the names when the names are all there is) keeps a sensible value.
    Returns Splink's model JSON."""
    start, columns = usable_model(con, linkage_model.shipped_model())
    backend = _Backend(con, options)
    try:
        linker = _linker(backend, start, columns)
        options.notes["training"], linker = linkage_model.train(
            linker,
            rebuild=lambda model: _linker(backend, model, columns),
            columns=columns,
            profiles=con.execute("SELECT count(*) FROM lk_profiles").fetchall()[0][0],
            seed=options.seed,
            u_max_pairs=options.u_max_pairs,
            em_max_pairs=options.em_max_pairs,
        )
        return linkage_model.regularise(linker.misc.save_model_to_json())
    finally:
        backend.close()


def link(
    con: duckdb.DuckDBPyConnection,
    model: dict,
    options: LinkOptions,
    decisions: pa.Table | None = None,
    stopwatch=None,
) -> dict:
    """Score, apply decisions and cluster. Leaves lk_pairs, lk_edges and lk_clusters in `con`."""
    model, columns = usable_model(con, model)
    backend = _Backend(con, options)
    slices = 1
    try:
        linker = _linker(backend, model, columns)
        if options.backend == "duckdb":
            profiles = con.execute("SELECT count(*) FROM lk_profiles").fetchall()[0][0]
            slices = math.ceil(profiles / options.profiles_per_slice) or 1
        predictions = linker.inference.predict(
            threshold_match_probability=options.review_floor,
            warning_mode="never",
            **({"num_chunks_left": slices, "num_chunks_right": 1} if slices > 1 else {}),
        )
        if options.backend == "duckdb":
            # Already in this connection: no round trip through Arrow (two copies at once).
            source = predictions.physical_name
        else:
            con.register("lk_pairs_in", backend.fetch(predictions))
            source = "lk_pairs_in"
        # The hold rules' reason written with the pairs, not by an UPDATE of every pair after;
        # no order (whoever reads the pairs out orders them).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE lk_pairs AS SELECT *, {_hold_reason_sql(model)} "
            f"AS hold_reason FROM {source}"
        )
        if options.backend == "duckdb":
            predictions.drop_table_from_database_and_remove_from_cache()
        else:
            con.unregister("lk_pairs_in")
        _apply_decisions(con, decisions)
        if stopwatch:
            stopwatch.lap("score the pairs")
        _cluster(con, options)
        if stopwatch:
            stopwatch.lap("cluster")
    finally:
        backend.close()
    pairs_n, edges_n, clusters_n = con.execute(
        "SELECT (SELECT count(*) FROM lk_pairs), "
        f"(SELECT count(*) FROM lk_edges WHERE match_probability >= {options.match_threshold}), "
        "(SELECT count(DISTINCT cluster_id) FROM lk_clusters)"
    ).fetchall()[0]
    return {
        "pairs_scored": pairs_n,
        "links": edges_n,
        "clusters": clusters_n,
        "scoring_slices": slices,
    }


def _cluster(con: duckdb.DuckDBPyConnection, options: LinkOptions) -> None:
    """Connected components of the links at or above the threshold, in this process whatever
    the scoring engine: the scored links are few next to the pairs compared, and they are
    here. The same clusters as Splink's `cluster_pairwise_predictions_at_threshold` (each
    named by its smallest profile id, as Splink names it), in a fraction of the time: Splink
    joins every node to its neighbours' representatives in SQL until nothing changes (5.5 s
    of CPU on a million records); here the links are two integer arrays (0.5 s)."""
    import numpy as np

    # Profiles numbered in id order, so the smallest number in a cluster is its smallest id.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_node AS SELECT profile_id, "
        "CAST(row_number() OVER (ORDER BY profile_id) - 1 AS INTEGER) AS node FROM lk_profile_ids"
    )
    nodes = con.execute("SELECT count(*) FROM lk_node").fetchall()[0][0]
    links = con.execute(
        f"""SELECT l.node AS l, r.node AS r FROM lk_edges e
            JOIN lk_node l ON l.profile_id = e.profile_id_l
            JOIN lk_node r ON r.profile_id = e.profile_id_r
            WHERE e.match_probability >= {options.match_threshold}"""
    ).fetchnumpy()
    roots = _components(nodes, np.asarray(links["l"]), np.asarray(links["r"]))
    con.register("lk_roots", pa.table({"node": np.arange(nodes, dtype=np.int32), "root": roots}))
    con.execute(
        """CREATE OR REPLACE TEMP TABLE lk_clusters AS
           SELECT n.profile_id, c.profile_id AS cluster_id
           FROM lk_node n JOIN lk_roots r USING (node) JOIN lk_node c ON c.node = r.root"""
    )
    con.unregister("lk_roots")
    con.execute("DROP TABLE lk_node")


def _components(nodes: int, left, right):
    """Each node's root: the smallest node joined to it by a chain of links. Every round
    hangs the larger root of each link that still joins two trees under the smaller one,
    then points every node straight at its root; a pointer only ever moves to a smaller
    node, so there are no cycles, and a cluster's smallest node is never moved."""
    import numpy as np

    roots = np.arange(nodes, dtype=np.int32)
    while left.size:
        a, b = roots[left], roots[right]
        apart = a != b
        if not apart.any():
            break
        left, right, a, b = left[apart], right[apart], a[apart], b[apart]
        np.minimum.at(roots, np.maximum(a, b), np.minimum(a, b))
        while True:
            above = roots[roots]
            if np.array_equal(above, roots):
                break
            roots = above
    return roots


def _hold_reason_sql(model: dict) -> str:
    """Why a scored pair is held for review (SQL over the pair), or NULL."""
    names = linkage_model.model_comparisons(model)
    first_name = dob = None
    if "first_name" in names:
        first_name = linkage_model.gamma(model, "first_name", "Different first names")
        if not rules.rare_in_true_matches(
            linkage_model.m_of(model, "first_name", "Different first names")
        ):
            first_name = None
    if "dob" in names:
        dob = linkage_model.gamma(model, "dob", "Different dates of birth")
        if not rules.rare_in_true_matches(
            linkage_model.m_of(model, "dob", "Different dates of birth")
        ):
            dob = None
    reason = rules.held_for_review_sql(
        dob_close=tuple(
            linkage_model.gamma(model, "dob", label) for label in linkage_model.DOB_CLOSE_LABELS
        )
        if "dob" in names
        else None,
        dob_different=dob,
        first_name_different=first_name,
        identifiers=tuple(c for c in ("nhs_number", "upn") if c in names),
    )
    return f"CAST({reason} AS VARCHAR)"


def _apply_decisions(con: duckdb.DuckDBPyConnection, decisions: pa.Table | None) -> None:
    """Clerical decisions win over the model: accepted pairs link, rejected pairs never do."""
    if decisions is None:
        decisions = pa.table(
            {
                "profile_id_l": pa.array([], pa.string()),
                "profile_id_r": pa.array([], pa.string()),
                "accepted": pa.array([], pa.bool_()),
            }
        )
    con.register("lk_decisions_in", decisions)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lk_decisions AS
        SELECT least(profile_id_l, profile_id_r) AS profile_id_l,
               greatest(profile_id_l, profile_id_r) AS profile_id_r,
               bool_and(accepted) AS accepted
        FROM lk_decisions_in
        WHERE profile_id_l IN (SELECT profile_id FROM lk_profiles)
          AND profile_id_r IN (SELECT profile_id FROM lk_profiles)
        GROUP BY ALL
        """
    )
    con.unregister("lk_decisions_in")
    probability = rules.decision_wins_sql(
        accepted="d.accepted", probability="s.match_probability", hold_reason="s.hold_reason"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lk_edges AS
        WITH scored AS (
            SELECT least(profile_id_l, profile_id_r) AS profile_id_l,
                   greatest(profile_id_l, profile_id_r) AS profile_id_r,
                   match_probability, hold_reason
            FROM lk_pairs
        )
        SELECT coalesce(s.profile_id_l, d.profile_id_l) AS profile_id_l,
               coalesce(s.profile_id_r, d.profile_id_r) AS profile_id_r,
               {probability} AS match_probability,
               d.accepted IS NOT NULL AS decided
        FROM scored s
        FULL OUTER JOIN lk_decisions d
          ON s.profile_id_l = d.profile_id_l AND s.profile_id_r = d.profile_id_r
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE lk_profile_ids AS SELECT profile_id FROM lk_profiles")


def prior_weight(model: dict) -> float:
    p = model["probability_two_random_records_match"]
    return math.log2(p / (1 - p))
