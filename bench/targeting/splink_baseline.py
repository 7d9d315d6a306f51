"""Plain Splink on the same files: the baseline `earlyhelp link` is measured against.

Written the way Splink 5's documentation sets out a deduplication (register the data, a
SettingsCreator with the comparison library's ready-made comparisons, block_on rules, then
estimate_probability_two_random_records_match → estimate_u_using_random_sampling → EM on two
blocking rules → predict → cluster_pairwise_predictions_at_threshold), with the light cleaning
its guide asks of the analyst: names lower-cased, empty strings null, dates read with each file's
known format into ISO text. Nothing from earlyhelp's model is used.

    python bench/targeting/splink_baseline.py DATA_DIR OUT.csv     # DATA_DIR holds spec.json

spec.json: {"files": {"name.csv": {"record_id": col, "first_name": col, "surname": col,
"date_of_birth": col, "date_format": "%Y%m%d", "postcode": col, "address": [cols], "sex": col}}}
"""

import json
import logging
import resource
import sys
import time
from pathlib import Path

import duckdb

FIELDS = ("first_name", "surname", "date_of_birth", "sex", "postcode", "address")


def load(con, data: Path, spec: dict) -> list[str]:
    parts, present = [], set()
    for index, (name, columns) in enumerate(spec["files"].items()):
        path = str(data / name).replace("'", "''")
        selects = []
        for field in FIELDS:
            col = columns.get(field)
            if not col:
                selects.append(f"NULL AS {field}")
                continue
            cols = col if isinstance(col, list) else [col]
            text = " || ' ' || ".join(f"coalesce(trim(\"{c}\"), '')" for c in cols)
            value = f"nullif(trim({text}), '')"
            if field in ("first_name", "surname", "address"):
                value = f"lower({value})"
            elif field == "postcode":
                value = f"upper({value})"
            elif field == "date_of_birth":
                value = f"strftime(try_strptime({value}, '{columns['date_format']}'), '%Y-%m-%d')"
            selects.append(f"{value} AS {field}")
            present.add(field)
        parts.append(
            f"SELECT '{name}' AS file, CAST(\"{columns['record_id']}\" AS VARCHAR) AS record_id, "
            f"'{index}:' || CAST(\"{columns['record_id']}\" AS VARCHAR) AS unique_id, "
            f"{', '.join(selects)} "
            f"FROM read_csv('{path}', all_varchar=true, header=true)"
        )
    con.execute("CREATE TABLE df AS " + " UNION ALL ".join(parts))
    return sorted(present)


def run(data: Path, out: Path) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    spec = json.loads((data / "spec.json").read_text())
    con = duckdb.connect()
    con.execute("SET threads = 2")
    present = load(con, data, spec)
    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
    ]
    if "date_of_birth" in present:
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True))
    if "postcode" in present:
        comparisons.append(cl.PostcodeComparison("postcode"))
    if "address" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    if "sex" in present:
        comparisons.append(cl.ExactMatch("sex"))
    blocking = [block_on("first_name", "surname")]
    deterministic = [block_on("first_name", "surname")]
    if "date_of_birth" in present:
        blocking += [block_on("surname", "date_of_birth"), block_on("first_name", "date_of_birth")]
        deterministic = [block_on("first_name", "surname", "date_of_birth")]
    if "postcode" in present:
        blocking += [block_on("postcode", "first_name"), block_on("postcode", "surname")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register("df"), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), max_pairs=1e6
    )
    if "date_of_birth" in present:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), max_pairs=1e6
        )
    elif "postcode" in present:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), max_pairs=1e6
        )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    rel = clusters.as_duckdbpyrelation()
    con.register("clusters_out", rel)
    target = str(out).replace("'", "''")
    con.execute(
        "COPY (SELECT c.cluster_id, d.file, d.record_id FROM clusters_out c "
        f"JOIN df d USING (unique_id)) TO '{target}' (HEADER)"
    )
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]))))
