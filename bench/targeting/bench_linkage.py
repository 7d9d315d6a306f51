"""Targeting benchmark: accuracy and speed of import → link → cluster → households → criteria.

    python bench/targeting/bench_linkage.py                    # 200,000 records (make bench)
    python bench/targeting/bench_linkage.py --records 1000000  # the issue's scale

Generates a synthetic borough's source files with known truth (bench/targeting/generate.py, in a
separate process and cached under var/bench/targeting/), then, timed, in a fresh SQLite database:
imports every file through the checked import, runs a targeting run that estimates a new model
(no labels), links, clusters, groups households and applies all three criteria sets. A second
run re-uses the saved model, as later runs do.

Prints the figures and writes them to bench/results/targeting_linkage-<records>.json:
pairwise and cluster precision, recall and F1 against the truth; seconds per stage; peak memory.
Targets (issue 5): F1 >= 0.97 at 1,000,000 records; end to end under 2 minutes on 2 cores;
peak memory under 8 GB.
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIX = ("school_attendance", "police", "benefits", "ae_attendance", "housing", "domestic_abuse")
AS_OF = dt.date(2026, 3, 31)


def generate(records: int, seed: int) -> Path:
    data = ROOT / "var" / "bench" / "targeting" / f"data-{records}-{seed}"
    stamp = data / "generated.json"
    if not stamp.exists():
        print(f"Generating {records:,} source records (seed {seed}) in {data} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).parent / "generate.py"),
                "--records",
                str(records),
                "--seed",
                str(seed),
                "--out",
                str(data),
            ],
            check=True,
        )
        stamp.write_text(json.dumps({"records": records, "seed": seed}))
    return data


def django_setup(work: Path) -> None:
    db = work / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "earlyhelp.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EARLYHELP_TARGETING_DIR = str(work / "store")
    call_command("migrate", verbosity=0)


def accuracy(run_dir: Path, truth: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE ev AS
        SELECT r.person_key AS predicted, t.person_id AS actual
        FROM read_parquet('{run_dir / "records.parquet"}') r
        JOIN read_csv('{truth}', all_varchar=true) t
          ON r.record_key = t.source || ':' || t.record_id"""
    )

    def pairs(sql):
        return con.execute(f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ({sql})").fetchall()[0][
            0
        ]

    both = pairs("SELECT count(*) AS n FROM ev GROUP BY predicted, actual")
    predicted = pairs("SELECT count(*) AS n FROM ev GROUP BY predicted")
    actual = pairs("SELECT count(*) AS n FROM ev GROUP BY actual")
    precision, recall = both / predicted, both / actual
    # A cluster is right when it holds exactly the records of one person.
    exact, n_predicted, n_actual = con.execute(
        """WITH p AS (SELECT predicted, count(*) AS n, min(actual) AS a, max(actual) AS b
                      FROM ev GROUP BY predicted),
                t AS (SELECT actual, count(*) AS n FROM ev GROUP BY actual)
           SELECT (SELECT count(*) FROM p JOIN t ON p.a = t.actual AND p.a = p.b AND p.n = t.n),
                  (SELECT count(*) FROM p), (SELECT count(*) FROM t)"""
    ).fetchall()[0]
    cluster_p, cluster_r = exact / n_predicted, exact / n_actual

    def f1(p, r):
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    # Households: pairs of (true) people put in one household, against the generator's truth.
    con.execute(
        f"""CREATE TABLE hh AS
        WITH votes AS (
            SELECT t.person_id AS person, t.household_id AS actual,
                   p.household_key AS predicted, count(*) AS n
            FROM read_parquet('{run_dir / "records.parquet"}') r
            JOIN read_csv('{truth}', all_varchar=true) t
              ON r.record_key = t.source || ':' || t.record_id
            JOIN read_parquet('{run_dir / "persons.parquet"}') p USING (person_key)
            GROUP BY ALL
        )
        SELECT person, any_value(actual) AS actual, arg_max(predicted, n) AS predicted
        FROM votes GROUP BY person"""
    )

    def hh_pairs(group):
        sql = f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM hh {group})"
        return con.execute(sql).fetchall()[0][0]

    hh_both = hh_pairs("GROUP BY predicted, actual")
    hh_predicted, hh_actual = hh_pairs("GROUP BY predicted"), hh_pairs("GROUP BY actual")
    hh_p = hh_both / hh_predicted if hh_predicted else 1.0
    hh_r = hh_both / hh_actual if hh_actual else 1.0
    true_households, found_households = con.execute(
        "SELECT count(DISTINCT actual), count(DISTINCT predicted) FROM hh"
    ).fetchall()[0]

    return {
        "households": {
            "precision": round(hh_p, 4),
            "recall": round(hh_r, 4),
            "f1": round(2 * hh_p * hh_r / (hh_p + hh_r), 4) if hh_p + hh_r else 0.0,
            "true_households": true_households,
            "predicted_households": found_households,
            "note": "each true person counted once, in the household most of their records "
            "went to; pairs of people in one household",
        },
        "records_scored": con.execute("SELECT count(*) FROM ev").fetchall()[0][0],
        "pairwise": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": f1(precision, recall),
            "true_pairs": int(actual),
            "predicted_pairs": int(predicted),
        },
        "cluster": {
            "precision": round(cluster_p, 4),
            "recall": round(cluster_r, 4),
            "f1": f1(cluster_p, cluster_r),
            "true_people": n_actual,
            "predicted_people": n_predicted,
        },
    }


def peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-second-run", action="store_true")
    args = parser.parse_args(argv)

    data = generate(args.records, args.seed)
    work = ROOT / "var" / "bench" / "targeting" / f"work-{args.records}"
    work.mkdir(parents=True, exist_ok=True)
    django_setup(work)
    import shutil

    shutil.rmtree(work / "store", ignore_errors=True)
    from earlyhelp.targeting import services
    from earlyhelp.targeting.pipeline import run as pipeline_run
    from earlyhelp.targeting.pipeline import workspace

    load_before = os.getloadavg()
    print(f"Load average before: {load_before[0]:.1f} (2 cores shared)", flush=True)
    started = time.perf_counter()
    imports = {}
    for source in SIX:
        t0 = time.perf_counter()
        batch = services.import_batch(source_type=source, path=data / f"{source}.csv")
        imports[source] = {"rows": batch.rows, "seconds": round(time.perf_counter() - t0, 2)}
        print(
            f"  imported {source}: {batch.rows:,} rows in {imports[source]['seconds']}s", flush=True
        )
    import_seconds = round(time.perf_counter() - started, 2)
    run = services.run_start(acting_user=None, reference_date=AS_OF, retrain=True, enqueue=False)
    run = pipeline_run.execute(run, echo=lambda m: print("  " + m, flush=True))
    end_to_end = round(time.perf_counter() - started, 2)
    figures = accuracy(workspace.run_dir(run), data / "truth.csv")

    second = None
    if not args.no_second_run:
        t0 = time.perf_counter()
        again = services.run_start(acting_user=None, reference_date=AS_OF, enqueue=False)
        again = pipeline_run.execute(again)
        second = {"seconds": round(time.perf_counter() - t0, 2), "stages": again.stats["seconds"]}

    result = {
        "benchmark": "targeting_linkage",
        "records": sum(i["rows"] for i in imports.values()),
        "sources": len(imports),
        "seed": args.seed,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before[0], 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "accuracy": figures,
        "seconds": {
            "import": import_seconds,
            "import_by_source": imports,
            "run_stages": run.stats["seconds"],
            "end_to_end": end_to_end,
            "second_run_with_saved_model": second,
        },
        "peak_memory_gb": peak_gb(),
        "run": {
            k: run.stats[k]
            for k in (
                "records",
                "profiles",
                "people",
                "households",
                "pairs_scored",
                "links",
                "clerical_review_queued",
                "cohort",
            )
        },
        "targets": {"f1_at_1m": 0.97, "end_to_end_seconds": 120, "peak_memory_gb": 8},
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    out = ROOT / "bench" / "results" / f"targeting_linkage-{args.records}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str))
    print(
        f"\nPairwise F1 {figures['pairwise']['f1']}, cluster F1 {figures['cluster']['f1']}, "
        f"household F1 {figures['households']['f1']} "
        f"({figures['households']['predicted_households']:,} households found, "
        f"{figures['households']['true_households']:,} true); "
        f"end to end {end_to_end}s (import {import_seconds}s); peak {result['peak_memory_gb']} GB"
    )
    print(f"Wrote {out.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main()
