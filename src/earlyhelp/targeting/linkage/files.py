"""Link any set of CSV/XLSX files described by a TOML mapping (the `earlyhelp link` command).

The mapping names, for each file, which of its columns hold each person detail:

    [files."school_census.csv"]
    record_id = "pupil_ref"
    first_name = "forename"
    surname = "surname"
    date_of_birth = "dob"
    date_format = "%d/%m/%Y"      # optional; when absent the commonest formats are tried and
                                  # the one that reads most of the column is used
    sex = "gender"
    postcode = "postcode"
    address = ["house_no", "street"]  # one column, or several joined with spaces
    upn = "upn"

    [default]                     # optional: for files not named under [files]
    first_name = "first_name"
    ...

    [link]                        # optional
    match_threshold = 0.95        # a probability between 0 and 1
    review_floor = 0.5            # pairs from here up to the threshold go to review
    max_bad_dates = 0.02          # refuse a file when more of its dates than this cannot be read

A detail a file lacks is left out: the model compares the details the files have. Without
`record_id` a record is known by its row number (the header is row 1). The output has one row
per input record: file, record_id, cluster_id.

Every problem with the mapping or the files is found before any work starts and raised as a
MappingError naming the file, row, column or key.
"""

import codecs
import csv
import json
import math
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ..reading import ImportRefused, header_name, read_rows
from ..schema import PERSON_COLUMNS
from . import engine, normalise
from .model import MIN_PROFILES_TO_TRAIN, shipped_model

FIELDS = ("record_id", *PERSON_COLUMNS)
# Tried in this order when a file gives no date_format: the UK's day-first forms before the
# US month-first one, so an ambiguous column reads as a UK analyst wrote it.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y%m%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y",
)
# Rows a date format is chosen on (a reservoir sample, the same on every run).
FORMAT_SAMPLE = 20_000
# Formats that read the same text as different dates: never mixed within one column.
_CONFLICTS = {"%d/%m/%Y": "%m/%d/%Y", "%m/%d/%Y": "%d/%m/%Y"}
LINK_KEYS = {"match_threshold": (0.5, 0.95), "review_floor": (0.0, 0.5), "max_bad_dates": 0}
DEFAULTS = {"match_threshold": 0.95, "review_floor": 0.5, "max_bad_dates": 0.02}
ROWS_NAMED = 10


class MappingError(ValueError):
    pass


def _peak_mb() -> int | None:
    """The process's peak resident size so far (Linux), read, never reset."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


class Stopwatch:
    """Seconds spent in each stage of a run (`earlyhelp link --timings`): wall time; the
    process's CPU time (all its threads), which a busy shared machine disturbs less; the main
    thread's CPU time (near the whole CPU time, a stage runs on one core: Python, not DuckDB's
    threads); and the peak memory at the stage's end (a stage that raised it set the peak)."""

    def __init__(self):
        self.stages: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.main_cpu: dict[str, float] = {}
        self.peak_mb: dict[str, int | None] = {}
        self._since = self._now()

    @staticmethod
    def _now():
        return time.perf_counter(), time.process_time(), time.thread_time()

    def lap(self, stage: str) -> None:
        now = self._now()
        for totals, before, after in zip(
            (self.stages, self.cpu, self.main_cpu), self._since, now, strict=True
        ):
            totals[stage] = totals.get(stage, 0.0) + after - before
        self.peak_mb[stage] = _peak_mb()
        self._since = now


@dataclass
class FileMapping:
    columns: dict[str, list[str]]
    date_format: str | None = None


@dataclass
class LinkSettings:
    match_threshold: float = 0.95
    review_floor: float = 0.5
    max_bad_dates: float = 0.02


def _valid_date_format(fmt: str) -> bool:
    try:
        duckdb.sql("SELECT try_strptime('2000-01-01', ?)", params=[fmt]).fetchall()
    except duckdb.Error:
        return False
    return "%" in fmt


def _probability(key: str, value, *, upper_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MappingError(f"[link] {key} = {value!r}: must be a number between 0 and 1")
    value = float(value)
    if not math.isfinite(value) or value < 0 or value > 1 or (upper_open and value >= 1):
        bound = "below 1" if upper_open else "at most 1"
        raise MappingError(f"[link] {key} = {value!r}: must be a number from 0 and {bound}")
    return value


def load_mapping(path: Path) -> tuple[dict[str, FileMapping], FileMapping | None, LinkSettings]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise MappingError(f"{path.name}: the mapping is not UTF-8 text") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path.name}: cannot read the mapping: {exc}") from exc
    unknown = set(data) - {"files", "default", "link"}
    if unknown:
        raise MappingError(
            f"{path.name}: unknown section(s) {', '.join(sorted(unknown))}; "
            'use [files."NAME"], [default] and [link]'
        )

    def parse(name: str, section) -> FileMapping:
        if not isinstance(section, dict):
            raise MappingError(f"{path.name}: [{name}] must be a table of column names")
        bad = set(section) - set(FIELDS) - {"date_format"}
        if bad:
            raise MappingError(
                f"{path.name}: [{name}] unknown key(s) {', '.join(sorted(bad))}; "
                f"use {', '.join(FIELDS)} and date_format"
            )
        columns = {}
        for key, value in section.items():
            if key == "date_format":
                continue
            many = isinstance(value, list) and key == "address"
            values = value if many else [value]
            if not values or not all(isinstance(v, str) for v in values):
                kind = "a column name or a list of them" if key == "address" else "a column name"
                raise MappingError(
                    f"{path.name}: [{name}] {key} = {value!r}: must be {kind} (text in quotes)"
                )
            if any(v.strip() for v in values):
                columns[key] = [v for v in values if v.strip()]
        if "surname" not in columns and "first_name" not in columns:
            raise MappingError(
                f"{path.name}: [{name}] must name at least a surname or first_name column"
            )
        date_format = section.get("date_format")
        if date_format is not None and (
            not isinstance(date_format, str) or not _valid_date_format(date_format)
        ):
            raise MappingError(
                f"{path.name}: [{name}] date_format = {date_format!r} is not a date format "
                '(write it like "%d/%m/%Y" or "%Y%m%d")'
            )
        return FileMapping(columns, date_format)

    files_section = data.get("files", {})
    if not isinstance(files_section, dict):
        raise MappingError(f'{path.name}: [files] must hold tables like [files."name.csv"]')
    files = {name: parse(f'files."{name}"', s) for name, s in files_section.items()}
    default = parse("default", data["default"]) if "default" in data else None
    link = data.get("link", {})
    if not isinstance(link, dict):
        raise MappingError(f"{path.name}: [link] must be a table")
    bad = set(link) - set(DEFAULTS)
    if bad:
        raise MappingError(
            f"{path.name}: [link] unknown key(s) {', '.join(sorted(bad))}; "
            f"use {', '.join(DEFAULTS)}"
        )
    chosen = {**DEFAULTS}
    for key in link:
        chosen[key] = _probability(key, link[key], upper_open=key != "max_bad_dates")
    if chosen["review_floor"] <= 0 or chosen["review_floor"] > chosen["match_threshold"]:
        raise MappingError(
            f"{path.name}: [link] review_floor ({chosen['review_floor']}) must be above 0 and "
            f"no higher than match_threshold ({chosen['match_threshold']})"
        )
    if chosen["match_threshold"] <= 0:
        raise MappingError(f"{path.name}: [link] match_threshold must be above 0")
    return files, default, LinkSettings(**chosen)


def check_text_file(path: Path) -> None:
    """A CSV must have bytes, be UTF-8 and have a header; refused naming the row otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise MappingError(f"{path.name}: the file is empty (0 bytes)")
    if path.suffix.lower() != ".csv":
        return
    # In blocks, not the whole file at once: a million-record file would add its size twice
    # (bytes and text) to the peak memory of the run.
    decoder = codecs.getincrementaldecoder("utf-8")()
    rows_before = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(1 << 22)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                # exc.object is the block after any bytes of a character the last one cut.
                data = exc.object
                row = rows_before + data.count(b"\n", 0, exc.start) + 1
                raise MappingError(
                    f"{path.name}: row {row} is not UTF-8 text (byte {data[exc.start]:#04x}); "
                    "save the file as CSV UTF-8"
                ) from None
            if not block:
                break
            rows_before += block.count(b"\n")


def _read(path: Path) -> pa.Table:
    check_text_file(path)
    try:
        table, bad = read_rows(path)
    except ImportRefused as exc:
        raise MappingError(str(exc)) from None
    if bad:
        shown = "; ".join(str(e) for e in bad[:5])
        more = f" (and {len(bad) - 5:,} more)" if len(bad) > 5 else ""
        raise MappingError(f"{path.name}: {shown}{more}")
    if table.num_rows == 0:
        raise MappingError(f"{path.name}: the file has a header but no records")
    return table


@dataclass
class DateReport:
    """How the dates of one file's date-of-birth column were read."""

    file: str
    column: str
    date_format: str
    values: int = 0
    unreadable: int = 0
    rows: list[int] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.unreadable / self.values if self.values else 0.0

    def __str__(self):
        shown = ", ".join(map(str, self.rows))
        more = ", …" if self.unreadable > len(self.rows) else ""
        return (
            f"{self.file}, column {self.column}: {self.unreadable:,} of {self.values:,} dates "
            f"({self.share:.1%}) could not be read as {self.date_format} (rows {shown}{more})"
        )


def _date_sql(value: str, formats: list[str]) -> str:
    tries = ", ".join(f"try_strptime({value}, '{f}')" for f in formats)
    return f"CAST(coalesce({tries}) AS DATE)"


def _choose_formats(con, table: str, value: str, given: str | None) -> list[str]:
    """The given format, or the formats that read this column, the best reader first."""
    if given:
        return [given]
    # Chosen on a sample of the rows (every row of a file up to the sample's size), each
    # distinct text tried once, weighted by how often it occurs; every row is then read once
    # with the formats chosen, and every date that none reads is counted (_date_report).
    counts = con.execute(
        "SELECT "
        + ", ".join(
            f"coalesce(sum(n) FILTER (WHERE try_strptime(v, '{f}') IS NOT NULL), 0)"
            for f in DATE_FORMATS
        )
        + f" FROM (SELECT {value} AS v, count(*) AS n FROM (SELECT * FROM {table} "
        f"USING SAMPLE reservoir({FORMAT_SAMPLE} ROWS) REPEATABLE (42)) GROUP BY ALL)"
    ).fetchall()[0]
    ranked = sorted(
        (f for f, n in zip(DATE_FORMATS, counts, strict=True) if n),
        key=lambda f: -counts[DATE_FORMATS.index(f)],
    )
    chosen: list[str] = []
    for fmt in ranked:
        if _CONFLICTS.get(fmt) not in chosen:
            chosen.append(fmt)
    return chosen or ["%Y-%m-%d"]


def _value_sql(columns: list[str]) -> str:
    parts = [f"nullif(trim(\"{header_name(c)}\"), '')" for c in columns]
    if len(parts) == 1:
        return parts[0]
    return f"nullif(trim(concat_ws(' ', {', '.join(parts)})), '')"


@dataclass
class Prepared:
    con: duckdb.DuckDBPyConnection
    settings: LinkSettings
    dates: list[DateReport]
    counts: dict[str, int]
    columns: dict[str, dict[str, list[str]]]  # file → field → its columns


def prepare(
    mapping_path: Path, files: list[Path], *, strict: bool = False, echo=lambda m: None
) -> Prepared:
    """Check the mapping and every file and load the records; raise MappingError on the first
    problem, before any linkage work."""
    mappings, default, settings = load_mapping(mapping_path)
    names = [p.name for p in files]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise MappingError(f"{repeated[0]}: the same file name is given twice")
    chosen = []
    for path in files:
        mapping = mappings.get(path.name) or default
        if mapping is None:
            raise MappingError(
                f'{path.name} is not in the mapping (add [files."{path.name}"] or [default])'
            )
        chosen.append(mapping)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    dates, counts, columns_used = [], {}, {}
    # Each file goes into `records` as soon as it is read and is then let go: holding every
    # file's Arrow table to the end kept a second copy of all the input for the whole run.
    types = {field_name: "VARCHAR" for field_name in FIELDS[1:]} | {"date_of_birth": "DATE"}
    con.execute(
        "CREATE TEMP TABLE records (record_key VARCHAR, source VARCHAR, record_id VARCHAR, "
        "row_number BIGINT, " + ", ".join(f"{f} {t}" for f, t in types.items()) + ")"
    )
    for index, (path, mapping) in enumerate(zip(files, chosen, strict=True)):
        table = _read(path)
        needed = [c for cols in mapping.columns.values() for c in cols]
        missing = [c for c in needed if header_name(c) not in table.column_names]
        if missing:
            raise MappingError(f"{path.name} has no column(s): {', '.join(missing)}")
        name = f"input_{index}"
        con.register(name, table)
        selects = []
        for field_name in FIELDS[1:]:
            cols = mapping.columns.get(field_name)
            value = _value_sql(cols) if cols else "NULL"
            if field_name == "date_of_birth" and cols:
                formats = _choose_formats(con, name, value, mapping.date_format)
                value = _date_sql(value, formats)
                dates.append(_date_report(con, name, path.name, cols, formats))
            selects.append(f"{value} AS {field_name}")
        record_id = mapping.columns.get("record_id")
        rid = (
            f'CAST("{header_name(record_id[0])}" AS VARCHAR)'
            if record_id
            else "CAST(_row AS VARCHAR)"
        )
        label = path.name.replace("'", "''")
        con.execute(
            f"INSERT INTO records SELECT '{index}:' || {rid} AS record_key, '{label}' AS source, "
            f"{rid} AS record_id, _row AS row_number, {', '.join(selects)} FROM {name}"
        )
        con.unregister(name)
        counts[path.name] = table.num_rows
        columns_used[path.name] = mapping.columns
        del table
    # Counted first, the rows listed only for the repeated id named (a list per id cost a
    # million records 0.5 s).
    duplicates = con.execute(
        "SELECT source, record_id FROM records GROUP BY source, record_id "
        "HAVING count(*) > 1 ORDER BY source, min(row_number) LIMIT 1"
    ).fetchall()
    if duplicates:
        source, rid = duplicates[0]
        rows_seen = [
            row
            for (row,) in con.execute(
                "SELECT row_number FROM records WHERE source = ? AND record_id = ? "
                "ORDER BY row_number LIMIT 3",
                [source, rid],
            ).fetchall()
        ]
        raise MappingError(
            f"{source}: record id {rid!r} is repeated (rows {', '.join(map(str, rows_seen))}); "
            "record ids must be unique within a file"
        )
    limit = 0.0 if strict else settings.max_bad_dates
    for report in dates:
        if report.unreadable and report.share > limit:
            allowed = "--strict allows none" if strict else f"at most {limit:.1%} allowed"
            raise MappingError(
                f"{report}; {allowed}. Give date_format for this file or correct the rows"
            )
    return Prepared(con, settings, dates, counts, columns_used)


def _date_report(con, table: str, file: str, cols: list[str], formats: list[str]) -> DateReport:
    raw = _value_sql(cols)
    # The dates are read once per distinct text; only rows with an unreadable one are listed.
    values, bad, rows = con.execute(
        f"""WITH d AS (SELECT {raw} AS v, count(*) AS n FROM {table} GROUP BY ALL),
                 unreadable AS (SELECT v FROM d WHERE v IS NOT NULL
                                AND {_date_sql("v", formats)} IS NULL)
            SELECT (SELECT coalesce(sum(n), 0) FROM d WHERE v IS NOT NULL),
                   (SELECT coalesce(sum(n), 0) FROM d WHERE v IN (SELECT v FROM unreadable)),
                   (SELECT list(_row ORDER BY _row) FROM {table}
                    WHERE {raw} IN (SELECT v FROM unreadable))[:{ROWS_NAMED}]"""
    ).fetchall()[0]
    return DateReport(file, cols[0], " or ".join(formats), values, bad, list(rows or []))


def read_decisions(path: Path) -> list[tuple[str, str, str, str, bool]]:
    """A review file with its `decision` column filled in: (file_l, record_id_l, file_r,
    record_id_r, accepted) for every decided row. Blank decisions are skipped."""
    check_text_file(path)
    yes, no = (
        {"ACCEPT", "ACCEPTED", "YES", "Y", "SAME"},
        {"REJECT", "REJECTED", "NO", "N", "DIFFERENT"},
    )
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        need = {"file_l", "record_id_l", "file_r", "record_id_r", "decision"}
        lacking = need - set(reader.fieldnames or [])
        if lacking:
            raise MappingError(f"{path.name}: no column(s) {', '.join(sorted(lacking))}")
        found = []
        for row_number, row in enumerate(reader, start=2):
            word = (row["decision"] or "").strip().upper()
            if not word:
                continue
            if word not in yes | no:
                raise MappingError(
                    f"{path.name}: row {row_number}, column decision: {row['decision']!r} is "
                    "not accept or reject"
                )
            found.append(
                (row["file_l"], row["record_id_l"], row["file_r"], row["record_id_r"], word in yes)
            )
    return found


def _decisions_table(con, decisions) -> pa.Table | None:
    if decisions is None:
        return None
    con.register(
        "lk_decided_in",
        pa.table(
            {
                "file_l": [d[0] for d in decisions],
                "record_id_l": [d[1] for d in decisions],
                "file_r": [d[2] for d in decisions],
                "record_id_r": [d[3] for d in decisions],
                "accepted": pa.array([d[4] for d in decisions], pa.bool_()),
            }
        ),
    )
    table = con.sql(
        """SELECT pl.profile_id AS profile_id_l, pr.profile_id AS profile_id_r, d.accepted
           FROM lk_decided_in d
           JOIN records l ON l.source = d.file_l AND l.record_id = d.record_id_l
           JOIN lk_record_profile pl ON pl.record_key = l.record_key
           JOIN records r ON r.source = d.file_r AND r.record_id = d.record_id_r
           JOIN lk_record_profile pr ON pr.record_key = r.record_key"""
    ).to_arrow_table()
    con.unregister("lk_decided_in")
    return table


@dataclass
class LinkResult:
    clusters: pa.Table
    pairs: pa.Table
    review: pa.Table
    notes: dict


def link_files(
    mapping_path: Path,
    files: list[Path],
    *,
    model_path: Path | None = None,
    save_model: Path | None = None,
    backend: str = "duckdb",
    spark=None,
    strict: bool = False,
    decisions: list | None = None,
    prepared: Prepared | None = None,
    want_pairs: bool = True,
    echo=lambda message: None,
    stopwatch: Stopwatch | None = None,
) -> LinkResult:
    """Link the files. The result holds: clusters (file, record_id, cluster_id for every input
    record); the scored pairs (None unless `want_pairs`); the pairs for review, both records
    side by side."""
    stopwatch = stopwatch or Stopwatch()
    prepared = prepared or prepare(mapping_path, files, strict=strict, echo=echo)
    stopwatch.lap("read and check the files")
    con, settings = prepared.con, prepared.settings
    for name, n in prepared.counts.items():
        echo(f"{name}: {n:,} records")
    for report in prepared.dates:
        if report.unreadable:
            echo(f"{report}: left blank")
    notes = normalise.build_profiles(con, "records")
    # The records are wanted again only for the output: on disk meanwhile, not in memory.
    spilled = tempfile.TemporaryDirectory(prefix="earlyhelp-link-")
    _spill(con, ("records", "lk_record_profile"), Path(spilled.name))
    stopwatch.lap("build the profiles")
    notes["unreadable_dates"] = {
        f"{r.file}:{r.column}": r.unreadable for r in prepared.dates if r.unreadable
    }
    echo(f"{notes['records']:,} records, {notes['profiles']:,} distinct sets of details")
    options = engine.LinkOptions(
        match_threshold=settings.match_threshold,
        review_floor=settings.review_floor,
        backend=backend,
        spark=spark,
        keep_weights=False,
        # Without the compared details in the scored pairs (keep_weights=False) a million
        # records score in one slice at a lower peak than plain Splink's, and in half the
        # time of two slices (each finds its blocked pairs afresh).
        profiles_per_slice=1_500_000,
    )
    if model_path:
        model = json.loads(Path(model_path).read_text())
        notes["model"] = str(model_path)
    elif notes["profiles"] >= MIN_PROFILES_TO_TRAIN:
        echo("estimating the model (no labels needed)")
        model = engine.train(con, options)
        notes["model"] = "estimated from these files"
        notes["training"] = options.notes.get("training", {})
    else:
        model = shipped_model()
        notes["model"] = "shipped model (too few records to estimate one)"
    if save_model:
        Path(save_model).write_text(json.dumps(model, indent=1))
    echo(f"model: {notes['model']}")
    stopwatch.lap("estimate the model")
    notes.update(engine.link(con, model, options, _decisions_table(con, decisions), stopwatch))
    # What is left reads the records, the pairs and the clusters, not the profiles.
    con.execute("DROP TABLE lk_profiles; DROP TABLE lk_profile_ids")
    # A record key is "<file index>:<record id>": the record id is read from it, so the
    # clusters and the example records come from the record-to-profile map alone, without
    # reading the records back.
    record_id = "substr(rp.record_key, strpos(rp.record_key, ':') + 1)"
    clusters = con.sql(
        f"""SELECT rp.source AS file, {record_id} AS record_id, c.cluster_id
           FROM lk_record_profile rp JOIN lk_clusters c USING (profile_id)
           ORDER BY rp.source, rp.record_key"""
    ).to_arrow_table()
    # The undecided pairs a person must look at: held by a rule, or uncertain.
    con.execute(
        f"""CREATE TEMP TABLE lk_held AS
            SELECT p.* FROM lk_pairs p JOIN lk_edges e
              ON e.profile_id_l = least(p.profile_id_l, p.profile_id_r)
             AND e.profile_id_r = greatest(p.profile_id_l, p.profile_id_r)
            WHERE NOT e.decided AND (p.match_probability < {options.match_threshold}
                                     OR p.hold_reason IS NOT NULL)"""
    )
    # One example record for each side of each pair written out (the first by record key),
    # only for the profiles in those pairs.
    shown = "lk_pairs" if want_pairs else "lk_held"
    con.execute(
        f"""CREATE TEMP TABLE lk_example AS
           SELECT rp.profile_id, arg_min(rp.source, rp.record_key) AS file,
                  arg_min({record_id}, rp.record_key) AS record_id,
                  min(rp.record_key) AS record_key
           FROM lk_record_profile rp
           WHERE rp.profile_id IN (SELECT profile_id_l FROM {shown}
                                   UNION SELECT profile_id_r FROM {shown})
           GROUP BY 1"""
    )
    pairs = (
        None
        if not want_pairs
        else con.sql(
            """SELECT l.file AS file_l, l.record_id AS record_id_l, r.file AS file_r,
                  r.record_id AS record_id_r, round(p.match_probability, 6) AS match_probability,
                  round(p.match_weight, 3) AS match_weight, p.hold_reason
           FROM lk_pairs p JOIN lk_example l ON l.profile_id = p.profile_id_l
           JOIN lk_example r ON r.profile_id = p.profile_id_r
           ORDER BY p.match_probability DESC, l.record_key, r.record_key"""
        ).to_arrow_table()
    )
    review = _review(con)
    held = con.execute(
        """SELECT coalesce(hold_reason, 'Uncertain: probability below the match threshold'),
                  count(*)
           FROM lk_held GROUP BY 1 ORDER BY 2 DESC, 1"""
    ).fetchall()
    notes["held_for_review"] = dict(held)
    notes["decisions_applied"] = con.execute(
        "SELECT count(*) FROM lk_edges WHERE decided"
    ).fetchall()[0][0]
    con.close()
    spilled.cleanup()
    stopwatch.lap("gather the output")
    notes["timings"] = {stage: round(t, 2) for stage, t in stopwatch.stages.items()}
    return LinkResult(clusters, pairs, review, notes)


def _spill(con, tables, folder: Path) -> None:
    """Move tables to Parquet files, leaving views of the same names: training and scoring
    then have their memory (on a million records, the records and their profile map are
    200 MB that scoring, the peak of the run, does not read)."""
    for table in tables:
        path = str(folder / f"{table}.parquet").replace("'", "''")
        con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM read_parquet('{path}')")


def _review(con) -> pa.Table:
    """Every pair held for a person to look at, both records side by side as the files gave
    them, with an empty `decision` column to fill in."""
    side = ", ".join(f"{s}.{d} AS {d}_{s}" for d in PERSON_COLUMNS for s in ("l", "r"))
    return con.sql(
        f"""SELECT coalesce(p.hold_reason, 'Uncertain: below the match threshold') AS reason,
                   round(p.match_probability, 4) AS match_probability,
                   el.file AS file_l, el.record_id AS record_id_l,
                   er.file AS file_r, er.record_id AS record_id_r,
                   {side}, '' AS decision
            FROM lk_held p
            JOIN lk_example el ON el.profile_id = p.profile_id_l
            JOIN lk_example er ON er.profile_id = p.profile_id_r
            JOIN records l ON l.record_key = el.record_key
            JOIN records r ON r.record_key = er.record_key
            ORDER BY p.hold_reason IS NULL, p.match_probability DESC, el.record_key,
                     er.record_key"""
    ).to_arrow_table()
