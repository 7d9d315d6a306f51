"""Link any set of CSV/XLSX files described by a TOML mapping (the `earlyhelp link` command).

The mapping names, for each file, which of its columns hold each person detail:

    [files."school_census.csv"]
    record_id = "pupil_ref"
    first_name = "forename"
    surname = "surname"
    date_of_birth = "dob"
    date_format = "%d/%m/%Y"      # optional; ISO and dd/mm/yyyy are tried when absent
    sex = "gender"
    postcode = "postcode"
    address = "address_line_1"
    upn = "upn"

    [default]                     # optional: for files not named under [files]
    first_name = "first_name"
    ...

    [link]                        # optional
    match_threshold = 0.95

A detail a file lacks is left out. Without `record_id` a record is known by its row number (the
header is row 1). The output has one row per input record: file, record_id, cluster_id.
"""

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from . import engine, normalise
from .model import MIN_PROFILES_TO_TRAIN, shipped_model

FIELDS = (
    "record_id",
    "first_name",
    "surname",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "upn",
)


class MappingError(ValueError):
    pass


@dataclass
class FileMapping:
    columns: dict[str, str]
    date_format: str | None = None


def load_mapping(path: Path) -> tuple[dict[str, FileMapping], FileMapping | None, dict]:
    try:
        data = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"Cannot read the mapping {path}: {exc}") from exc
    unknown = set(data) - {"files", "default", "link"}
    if unknown:
        raise MappingError(f"Unknown section(s) in the mapping: {', '.join(sorted(unknown))}")

    def parse(name: str, section) -> FileMapping:
        if not isinstance(section, dict):
            raise MappingError(f"[{name}] must be a table of column names")
        bad = set(section) - set(FIELDS) - {"date_format"}
        if bad:
            raise MappingError(
                f"[{name}]: unknown key(s) {', '.join(sorted(bad))}; use {', '.join(FIELDS)}"
            )
        columns = {k: v for k, v in section.items() if k in FIELDS and v}
        if "surname" not in columns and "first_name" not in columns:
            raise MappingError(f"[{name}] must name at least a surname or first name column")
        return FileMapping(columns, section.get("date_format"))

    files = {name: parse(f'files."{name}"', s) for name, s in data.get("files", {}).items()}
    default = parse("default", data["default"]) if "default" in data else None
    return files, default, data.get("link", {})


def _header(name: str) -> str:
    from ..imports import _header_name

    return _header_name(name)


def _read(path: Path) -> pa.Table:
    from ..imports import read_rows

    table, bad = read_rows(path)
    if bad:
        raise MappingError(f"{path.name}: " + "; ".join(str(e) for e in bad[:5]))
    return table


def link_files(
    mapping_path: Path,
    files: list[Path],
    *,
    model_path: Path | None = None,
    save_model: Path | None = None,
    backend: str = "duckdb",
    spark=None,
    echo=lambda message: None,
) -> tuple[pa.Table, pa.Table, dict]:
    """Link the files. Returns (clusters, pairs, notes): clusters has file, record_id,
    cluster_id for every input record; pairs the scored pairs with their probability."""
    mappings, default, link_options = load_mapping(mapping_path)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    parts = []
    for index, path in enumerate(files):
        mapping = mappings.get(path.name) or default
        if mapping is None:
            raise MappingError(
                f'{path.name} is not in the mapping (add [files."{path.name}"] or [default])'
            )
        table = _read(path)
        missing = [c for c in mapping.columns.values() if _header(c) not in table.column_names]
        if missing:
            raise MappingError(f"{path.name} has no column(s): {', '.join(missing)}")
        name = f"input_{index}"
        con.register(name, table)
        selects = []
        for field in FIELDS[1:]:
            column = mapping.columns.get(field)
            value = f"nullif(trim(\"{_header(column)}\"), '')" if column else "NULL"
            if field == "date_of_birth" and column:
                formats = [mapping.date_format] if mapping.date_format else ["%Y-%m-%d", "%d/%m/%Y"]
                tries = ", ".join(f"try_strptime({value}, '{f}')" for f in formats)
                value = f"CAST(coalesce({tries}) AS DATE)"
            selects.append(f"{value} AS {field}")
        record_id = mapping.columns.get("record_id")
        rid = f'CAST("{_header(record_id)}" AS VARCHAR)' if record_id else "CAST(_row AS VARCHAR)"
        label = path.name.replace("'", "''")
        parts.append(
            f"SELECT '{index}:' || {rid} AS record_key, '{label}' AS source, "
            f"{rid} AS record_id, {', '.join(selects)} FROM {name}"
        )
        echo(f"{path.name}: {table.num_rows:,} records")
    con.execute("CREATE TEMP TABLE records AS " + " UNION ALL ".join(parts))
    duplicates = con.execute(
        "SELECT source, record_id FROM records GROUP BY ALL HAVING count(*) > 1 LIMIT 5"
    ).fetchall()
    if duplicates:
        shown = ", ".join(f"{s} {r!r}" for s, r in duplicates)
        raise MappingError(f"Record ids must be unique within a file; repeated: {shown}")
    notes = normalise.build_profiles(con, "records")
    echo(f"{notes['records']:,} records, {notes['profiles']:,} distinct sets of details")
    options = engine.LinkOptions(
        match_threshold=float(link_options.get("match_threshold", 0.95)),
        review_floor=float(link_options.get("review_floor", 0.5)),
        backend=backend,
        spark=spark,
    )
    if model_path:
        model = json.loads(Path(model_path).read_text())
        notes["model"] = str(model_path)
    elif notes["profiles"] >= MIN_PROFILES_TO_TRAIN:
        echo("estimating the model (no labels needed)")
        model = engine.train(con, options)
        notes["model"] = "estimated from these files"
    else:
        model = shipped_model()
        notes["model"] = "shipped model (too few records to estimate one)"
    if save_model:
        Path(save_model).write_text(json.dumps(model, indent=1))
    echo(f"model: {notes['model']}")
    notes.update(engine.link(con, model, options))
    clusters = con.sql(
        """SELECT r.source AS file, r.record_id, c.cluster_id
           FROM records r JOIN lk_record_profile rp USING (record_key)
           JOIN lk_clusters c USING (profile_id)
           ORDER BY r.source, r.record_key"""
    ).to_arrow_table()
    # One example record for each side of each scored pair of distinct details.
    pairs = con.sql(
        """WITH example AS (
               SELECT rp.profile_id, arg_min(r.source, r.record_key) AS file,
                      arg_min(r.record_id, r.record_key) AS record_id
               FROM records r JOIN lk_record_profile rp USING (record_key) GROUP BY 1
           )
           SELECT l.file AS file_l, l.record_id AS record_id_l, r.file AS file_r,
                  r.record_id AS record_id_r, round(p.match_probability, 6) AS match_probability,
                  round(p.match_weight, 3) AS match_weight, p.hold_reason
           FROM lk_pairs p JOIN example l ON l.profile_id = p.profile_id_l
           JOIN example r ON r.profile_id = p.profile_id_r
           ORDER BY p.match_probability DESC"""
    ).to_arrow_table()
    con.close()
    return clusters, pairs, notes
