"""`earlyhelp link --config MAPPING.toml FILE... --out clusters.csv`: link any files into people.

Every problem with the input is one line naming the file, row, column or key, exit code 2,
found before the work starts; the outputs are written only when the whole run succeeds.

Kept apart from Django: `earlyhelp link` works on files alone, so earlyhelp.cli runs it
through `main` without setting up Django (2 s and 50 MB less at start-up); the management
command (management/commands/link.py) wraps the same `run`.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pyarrow.csv as pacsv

from .files import MappingError, Stopwatch, link_files, prepare, read_decisions

BAD_INPUT = 2


class LinkFailed(Exception):
    def __init__(self, message: str, returncode: int = BAD_INPUT):
        super().__init__(message)
        self.returncode = returncode


def refuse(message: str) -> LinkFailed:
    return LinkFailed(message, BAD_INPUT)


def write_atomically(table, path: Path) -> None:
    """Write to a temporary file beside the target, then rename: never half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        pacsv.write_csv(table, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


HELP = (
    "Link the records of any CSV or XLSX files into people with the targeting linkage model. "
    "The mapping (TOML) names each file's columns. Writes one row per input record: its "
    "file, its record id and a cluster id shared by the records of one person; and the "
    "pairs held for a person to review, both records side by side."
)


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--config", required=True, type=Path, metavar="MAPPING.toml")
    parser.add_argument("--out", required=True, type=Path, metavar="clusters.csv")
    parser.add_argument(
        "--pairs",
        type=Path,
        metavar="pairs.csv",
        help="also write the scored pairs with their match probability",
    )
    parser.add_argument(
        "--review",
        type=Path,
        metavar="review.csv",
        help="where to write the pairs held for review (default: beside --out, "
        "named <out>-review.csv); fill in its decision column (accept or reject) and "
        "pass it back with --decisions",
    )
    parser.add_argument(
        "--decisions",
        type=Path,
        metavar="review.csv",
        help="a review file with decisions filled in: accepted pairs link, rejected never",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse the files if any date of birth cannot be read",
    )
    parser.add_argument("--model", type=Path, help="use this saved model (Splink JSON)")
    parser.add_argument("--save-model", type=Path, help="write the model used to this file")
    parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument(
        "--timings", action="store_true", help="print the seconds each stage took (on stderr)"
    )


def run(
    *,
    files,
    config,
    out,
    pairs=None,
    review=None,
    decisions=None,
    strict=False,
    model=None,
    save_model=None,
    backend="duckdb",
    timings=False,
    say=print,
    progress=lambda message: None,
    success=lambda text: text,
    **options,
):
    """Carry out `earlyhelp link`: `say` prints a line of the report, `progress` a line of
    progress (stderr), `success` styles the last line. Raises LinkFailed."""
    review = review or out.with_name(f"{out.stem}-review.csv")
    inputs = [config, *files, *(p for p in (model, decisions) if p)]
    for path in inputs:
        if not path.is_file():
            raise refuse(f"{path}: no such file")
    for label, path in (
        ("--out", out),
        ("--pairs", pairs),
        ("--review", review),
        ("--save-model", save_model),
    ):
        if path is None:
            continue
        if not path.parent.is_dir():
            raise refuse(f"{label} {path}: the folder {path.parent} does not exist")
        if path.resolve() in {p.resolve() for p in inputs}:
            raise refuse(f"{label} {path}: would overwrite an input file")
    stopwatch = Stopwatch()
    try:
        decided = read_decisions(decisions) if decisions else None
        prepared = prepare(config, files, strict=strict)
    except MappingError as exc:
        raise refuse(str(exc)) from None
    spark = None
    if backend == "spark":
        from earlyhelp.targeting.spark import SparkUnavailable, get_spark_session

        try:
            spark = get_spark_session()
        except SparkUnavailable as exc:
            raise LinkFailed(f"Spark cannot run here: {exc}", 1) from None
    try:
        result = link_files(
            config,
            files,
            model_path=model,
            save_model=save_model,
            backend=backend,
            spark=spark,
            decisions=decided,
            prepared=prepared,
            want_pairs=pairs is not None,
            echo=lambda message: progress(f"  {message}"),
            stopwatch=stopwatch,
        )
    except MappingError as exc:
        raise refuse(str(exc)) from None
    notes = result.notes
    write_atomically(result.clusters, out)
    written = [str(out)]
    if pairs:
        write_atomically(result.pairs, pairs)
        written.append(str(pairs))
    held = notes["held_for_review"]
    if result.review.num_rows:
        write_atomically(result.review, review)
        written.append(str(review))
    if decided is not None:
        n = notes["decisions_applied"]
        say(f"Applied {n:,} decision{'' if n == 1 else 's'} from {decisions}")
    if held:
        total = sum(held.values())
        say(f"Held {total:,} pair{'' if total == 1 else 's'} for review (not linked) in {review}:")
        for reason, n in held.items():
            say(f"  {n:,}  {reason}")
        say(
            "  Fill in the decision column (accept or reject) and run again with "
            f"--decisions {review}"
        )
    else:
        say("No pairs held for review.")
    stopwatch.lap("write the output")
    if timings:
        for stage, seconds in stopwatch.stages.items():
            progress(
                f"  {seconds:7.2f} s ({stopwatch.cpu[stage]:6.2f} s CPU, "
                f"{stopwatch.main_cpu[stage]:6.2f} s on the main thread; "
                f"peak {stopwatch.peak_mb[stage] or 0:,} MB)  {stage}"
            )
    say(
        success(
            f"Linked {notes['records']:,} records into {notes['clusters']:,} clusters; "
            f"wrote {' and '.join(written)}"
        )
    )


class _NoPandas:
    """An import finder that says pandas is not installed.

    Nothing `earlyhelp link` does on DuckDB uses pandas, but pyarrow imports it the first time
    it builds an array from a Python list (to ask whether the list is a DataFrame), and Splink
    builds one while estimating u: 45 MB and 3 s of start-up for a question whose answer is
    no. Told pandas is absent, pyarrow goes on without it."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("earlyhelp link runs without pandas")
        return None


def main(argv: list[str]) -> int:
    """`earlyhelp link ARGS` as a process of its own (earlyhelp.cli), without Django. Errors as
    Django prints a CommandError."""
    parser = argparse.ArgumentParser(prog="earlyhelp link", description=HELP)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    if options["backend"] == "duckdb" and "pandas" not in sys.modules:
        # Spark hands data to Python through pandas; DuckDB never needs it.
        sys.meta_path.insert(0, _NoPandas())
    import pyarrow as pa

    # Arrow's own allocator keeps freed memory for reuse; this process reads each file once
    # and lets it go, and with the system allocator that memory goes back (17 MB less at the
    # peak on FEBRL1's 1,000 records).
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        run(**options, progress=lambda message: print(message, file=sys.stderr))
    except LinkFailed as exc:
        print(f"CommandError: {exc}", file=sys.stderr)
        return exc.returncode
    return 0
