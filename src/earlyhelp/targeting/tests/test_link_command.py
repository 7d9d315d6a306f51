"""`earlyhelp link --config MAPPING.toml FILE... --out clusters.csv`, end to end."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .helpers import nhs


def write_csv(path, header, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    school = write_csv(
        tmp_path / "school.csv",
        ["Pupil ID", "Forename", "Surname", "DOB", "Gender", "Postcode", "Address 1"],
        [
            ["S1", "Jessica", "Brown", "03/05/2014", "F", "EB1 1AA", "12 Oak Road"],
            ["S2", "Thomas", "Green", "21/07/2016", "M", "EB2 2BB", "4 Elm Street"],
            ["S3", "Priya", "Patel", "09/11/2013", "F", "EB6 6FF", "22 Cedar Avenue"],
        ],
    )
    health = write_csv(
        tmp_path / "health.csv",
        ["nhs_no", "given", "family", "birth_date", "sex", "postcode", "line1"],
        [
            [nhs("401023213"), "Jess", "Brown", "2014-05-03", "F", "EB1 1AA", "12 Oak Rd"],
            [nhs("943476591"), "Tom", "Green", "2016-07-21", "M", "EB2 2BB", "4 Elm St"],
            [nhs("555000111"), "Zainab", "Ali", "2001-01-01", "F", "EB7 7GG", "1 Mill Lane"],
        ],
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        """
[files."school.csv"]
record_id = "Pupil ID"
first_name = "Forename"
surname = "Surname"
date_of_birth = "DOB"
date_format = "%d/%m/%Y"
sex = "Gender"
postcode = "Postcode"
address = "Address 1"

[files."health.csv"]
first_name = "given"
surname = "family"
date_of_birth = "birth_date"
sex = "sex"
postcode = "postcode"
address = "line1"
nhs_number = "nhs_no"
"""
    )
    return mapping, school, health


def test_link_writes_one_row_per_record_with_a_cluster(files, tmp_path):
    mapping, school, health = files
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    call_command(
        "link",
        str(school),
        str(health),
        "--config",
        str(mapping),
        "--out",
        str(out),
        "--pairs",
        str(pairs),
    )
    with open(out) as handle:
        rows = list(csv.DictReader(handle))
    assert [list(r) for r in rows][0] == ["file", "record_id", "cluster_id"]
    assert len(rows) == 6
    cluster = {(r["file"], r["record_id"]): r["cluster_id"] for r in rows}
    # health.csv has no record id column: its records are known by row number (header = 1)
    assert cluster[("school.csv", "S1")] == cluster[("health.csv", "2")]
    assert cluster[("school.csv", "S2")] == cluster[("health.csv", "3")]
    assert (
        len(
            {
                cluster[("school.csv", "S3")],
                cluster[("health.csv", "4")],
                cluster[("school.csv", "S1")],
                cluster[("school.csv", "S2")],
            }
        )
        == 4
    )
    with open(pairs) as handle:
        scored = list(csv.DictReader(handle))
    assert {"file_l", "record_id_l", "file_r", "record_id_r", "match_probability"} <= set(scored[0])


def test_a_file_missing_from_the_mapping_is_refused(files, tmp_path):
    mapping, school, health = files
    other = write_csv(tmp_path / "other.csv", ["a"], [["1"]])
    with pytest.raises(CommandError, match="other.csv is not in the mapping"):
        call_command(
            "link",
            str(school),
            str(other),
            "--config",
            str(mapping),
            "--out",
            str(tmp_path / "out.csv"),
        )
    assert not (tmp_path / "out.csv").exists()


def test_a_column_the_file_lacks_is_named(files, tmp_path):
    mapping, school, health = files
    mapping.write_text(mapping.read_text().replace('"Postcode"', '"Post code area"'))
    with pytest.raises(CommandError, match="school.csv has no column\\(s\\): Post code area"):
        call_command(
            "link", str(school), "--config", str(mapping), "--out", str(tmp_path / "out.csv")
        )


def test_a_bad_mapping_is_refused(files, tmp_path):
    mapping, school, _ = files
    mapping.write_text('[files."school.csv"]\nforename = "Forename"\n')
    with pytest.raises(CommandError, match="unknown key"):
        call_command(
            "link", str(school), "--config", str(mapping), "--out", str(tmp_path / "out.csv")
        )


def twins_files(tmp_path):
    """Twins: same surname, birthday and address, different first names. Held, not linked."""
    path = write_csv(
        tmp_path / "people.csv",
        ["id", "first", "last", "born", "postcode", "address"],
        [
            ["P1", "Amelia", "Okafor", "2015-04-02", "EB1 1AA", "3 Mill Lane"],
            ["P2", "Grace", "Okafor", "2015-04-02", "EB1 1AA", "3 Mill Lane"],
            ["P3", "Amelia", "Okafor", "2015-04-02", "EB1 1AA", "3 Mill Lane"],
        ],
    )
    mapping = tmp_path / "people.toml"
    mapping.write_text(
        '[default]\nrecord_id = "id"\nfirst_name = "first"\nsurname = "last"\n'
        'date_of_birth = "born"\npostcode = "postcode"\naddress = "address"\n'
    )
    return path, mapping


def read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_held_pairs_are_counted_written_side_by_side_and_decided(tmp_path, capsys):
    path, mapping = twins_files(tmp_path)
    out = tmp_path / "clusters.csv"
    call_command("link", str(path), "--config", str(mapping), "--out", str(out))
    said = capsys.readouterr().out
    # P1 and P3 carry the same details (one profile): one pair of profiles to look at.
    assert "Held 1 pair for review (not linked)" in said
    assert "1  Possible twins: same date of birth, different first names" in said
    clusters = {r["record_id"]: r["cluster_id"] for r in read(out)}
    assert clusters["P1"] == clusters["P3"] != clusters["P2"]
    review = read(tmp_path / "clusters-review.csv")
    assert len(review) == 1
    row = review[0]
    assert row["reason"].startswith("Possible twins")
    assert {row["first_name_l"], row["first_name_r"]} == {"Amelia", "Grace"}
    assert row["date_of_birth_l"] == row["date_of_birth_r"] == "2015-04-02"
    assert row["decision"] == ""

    # A person decides: they are one child after all. The reviewed run links what was accepted.
    for r in review:
        r["decision"] = "accept"
    decided = tmp_path / "decided.csv"
    with open(decided, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(review[0]))
        writer.writeheader()
        writer.writerows(review)
    again = tmp_path / "again.csv"
    call_command(
        "link",
        str(path),
        "--config",
        str(mapping),
        "--out",
        str(again),
        "--decisions",
        str(decided),
    )
    said = capsys.readouterr().out
    assert "Applied 1 decision from" in said
    assert "No pairs held for review." in said
    assert len({r["cluster_id"] for r in read(again)}) == 1


def test_a_rejected_pair_stays_apart_and_a_bad_decision_is_named(tmp_path, capsys):
    path, mapping = twins_files(tmp_path)
    out = tmp_path / "clusters.csv"
    call_command("link", str(path), "--config", str(mapping), "--out", str(out))
    review = read(tmp_path / "clusters-review.csv")
    review[0]["decision"] = "maybe"
    decided = tmp_path / "decided.csv"
    with open(decided, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(review[0]))
        writer.writeheader()
        writer.writerows(review)
    with pytest.raises(CommandError) as error:
        call_command(
            "link",
            str(path),
            "--config",
            str(mapping),
            "--out",
            str(tmp_path / "x.csv"),
            "--decisions",
            str(decided),
        )
    assert error.value.returncode == 2
    assert (
        str(error.value) == "decided.csv: row 2, column decision: 'maybe' is not accept or reject"
    )
    assert not (tmp_path / "x.csv").exists()
    for r in review:
        r["decision"] = "reject"
    with open(decided, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(review[0]))
        writer.writeheader()
        writer.writerows(review)
    call_command(
        "link",
        str(path),
        "--config",
        str(mapping),
        "--out",
        str(out),
        "--decisions",
        str(decided),
    )
    clusters = {r["record_id"]: r["cluster_id"] for r in read(out)}
    assert clusters["P1"] == clusters["P3"] != clusters["P2"]


def test_postcodes_from_abroad_and_yyyymmdd_dates_still_count(tmp_path):
    """A Polish postcode and dates written 20150402 (no date_format given) take part."""
    path = write_csv(
        tmp_path / "abroad.csv",
        ["id", "first", "last", "born", "postcode", "address"],
        [
            ["A1", "Zofia", "Nowak", "20150402", "00-950", "12 Ulica Prosta"],
            ["A2", "Zofja", "Nowak", "20150402", "00950", "12 ulica prosta"],
            ["A3", "Zofja", "Nowak", "20150402", "31-001", "4 Rynek Glowny"],
        ],
    )
    mapping = tmp_path / "abroad.toml"
    mapping.write_text(
        '[default]\nrecord_id = "id"\nfirst_name = "first"\nsurname = "last"\n'
        'date_of_birth = "born"\npostcode = "postcode"\naddress = "address"\n'
    )
    pairs = tmp_path / "pairs.csv"
    call_command(
        "link",
        str(path),
        "--config",
        str(mapping),
        "--out",
        str(tmp_path / "c.csv"),
        "--pairs",
        str(pairs),
    )
    scored = {
        frozenset((r["record_id_l"], r["record_id_r"])): float(r["match_probability"])
        for r in read(pairs)
    }
    # Same place abroad links; a different place abroad scores lower (below the review floor
    # here, so it is not listed): the postcodes were compared, not blanked.
    assert scored[frozenset(("A1", "A2"))] >= 0.95
    assert scored.get(frozenset(("A1", "A3")), 0.0) < scored[frozenset(("A1", "A2"))]
    clusters = {r["record_id"]: r["cluster_id"] for r in read(tmp_path / "c.csv")}
    assert clusters["A1"] == clusters["A2"] != clusters["A3"]


@pytest.mark.parametrize("keep_weights", [True, False])
def test_scoring_in_slices_gives_the_same_pairs_and_clusters(files, keep_weights):
    """Big files are scored a slice of profiles at a time (memory): the same answer, with the
    compared details in the pairs (the targeting run) and without them (the files command,
    which keeps only the levels the hold rules read)."""
    from earlyhelp.targeting.linkage import engine, normalise
    from earlyhelp.targeting.linkage.files import prepare
    from earlyhelp.targeting.linkage.model import shipped_model

    mapping, school, health = files
    con = prepare(mapping, [school, health]).con
    normalise.build_profiles(con, "records")
    found = []
    for per_slice in (1_000, 2):
        options = engine.LinkOptions(profiles_per_slice=per_slice, keep_weights=keep_weights)
        notes = engine.link(con, shipped_model(), options)
        pairs = con.execute(
            "SELECT profile_id_l, profile_id_r, round(match_probability, 9), gamma_dob, "
            "gamma_first_name, hold_reason FROM lk_pairs ORDER BY 1, 2"
        ).fetchall()
        columns = {row[0] for row in con.execute("DESCRIBE lk_pairs").fetchall()}
        assert ("first_name_l" in columns) == keep_weights
        clusters = con.execute("SELECT * FROM lk_clusters ORDER BY 1").fetchall()
        found.append((notes["scoring_slices"], pairs, clusters))
    (one, pairs, clusters), (three, sliced_pairs, sliced_clusters) = found
    assert (one, three) == (1, 3)  # six profiles, two to a slice
    assert len(pairs) >= 2 and sliced_pairs == pairs
    assert sliced_clusters == clusters


def _earlyhelp(*args, tmp_path, python=()):
    """The `earlyhelp` command in a process of its own, with Django's settings pointing nowhere:
    `link` must work on files alone, without Django's set-up."""
    src = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(src), "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    return subprocess.run(
        [sys.executable, *python, "-m", "earlyhelp.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )


def test_the_link_command_runs_without_django(files, tmp_path):
    mapping, school, health = files
    out = tmp_path / "clusters.csv"
    args = [*map(str, (school, health)), "--config", str(mapping), "--out", str(out)]
    # -X importtime lists every module the process imports, on stderr.
    done = _earlyhelp("link", *args, "--timings", tmp_path=tmp_path, python=("-X", "importtime"))
    assert done.returncode == 0, done.stderr
    assert "Linked 6 records into 4 clusters" in done.stdout
    # --timings: a line per stage, wall and CPU seconds (all threads and the main one) and
    # the peak memory so far.
    stages = [
        line.split("MB)", 1)[1].strip()
        for line in done.stderr.splitlines()
        if "s CPU," in line and "on the main thread; peak" in line
    ]
    assert stages == [
        "read and check the files",
        "build the profiles",
        "estimate the model",
        "score the pairs",
        "cluster",
        "gather the output",
        "write the output",
    ]
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "pyarrow" in imported and "duckdb" in imported  # the listing is there
    # Neither Django nor pandas (pyarrow asks for it; nothing here uses it): 50 + 45 MB. A
    # refused import is listed too, under its bare name; a loaded pandas brings pandas.core.
    assert not [m for m in imported if m.split(".")[0] == "django"]
    assert "pandas" in imported and not [m for m in imported if m.startswith("pandas.")]
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    clusters = {(r["file"], r["record_id"]): r["cluster_id"] for r in rows}
    assert clusters[("school.csv", "S1")] == clusters[("health.csv", "2")]
    assert clusters[("school.csv", "S3")] != clusters[("health.csv", "4")]


def test_the_link_command_refuses_bad_input_with_exit_code_2(files, tmp_path):
    mapping, school, _ = files
    done = _earlyhelp(
        "link",
        str(school),
        str(tmp_path / "missing.csv"),
        "--config",
        str(mapping),
        "--out",
        str(tmp_path / "clusters.csv"),
        tmp_path=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'missing.csv'}: no such file"
    ]
    assert not (tmp_path / "clusters.csv").exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clusters_are_splinks_connected_components(seed):
    """engine._cluster (numpy) against Splink's own clustering on a random graph: long chains,
    stars, cycles, links below the threshold, lone profiles – the same clusters and ids."""
    import random

    import duckdb
    from splink import DuckDBAPI
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    from earlyhelp.targeting.linkage import engine

    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(2_000)]
    edges = {(rng.choice(ids), rng.choice(ids)) for _ in range(1_500)}
    # A chain through 300 profiles in a random order: many rounds of joining trees.
    chain = rng.sample(ids, 300)
    edges |= set(zip(chain, chain[1:], strict=False))
    rows = [(min(a, b), max(a, b), rng.choice([0.99, 0.96, 0.95, 0.9, 0.5])) for a, b in edges]
    rows = [r for r in rows if r[0] != r[1]]
    con = duckdb.connect()
    con.execute("CREATE TABLE lk_profile_ids (profile_id VARCHAR)")
    con.executemany("INSERT INTO lk_profile_ids VALUES (?)", [(i,) for i in ids])
    con.execute(
        "CREATE TABLE lk_edges (profile_id_l VARCHAR, profile_id_r VARCHAR, "
        "match_probability DOUBLE)"
    )
    con.executemany("INSERT INTO lk_edges VALUES (?, ?, ?)", rows)
    engine._cluster(con, engine.LinkOptions(match_threshold=0.95))
    ours = dict(con.execute("SELECT profile_id, cluster_id FROM lk_clusters").fetchall())
    db_api = DuckDBAPI(connection=con)
    theirs = cluster_pairwise_predictions_at_threshold(
        db_api.register("lk_profile_ids"),
        db_api.register("lk_edges"),
        db_api=db_api,
        node_id_column_name="profile_id",
        edge_id_column_name_left="profile_id_l",
        edge_id_column_name_right="profile_id_r",
        threshold_match_probability=0.95,
    )
    splinks = dict(
        con.execute(f"SELECT profile_id, cluster_id FROM {theirs.physical_name}").fetchall()
    )
    assert len(ours) == len(ids)
    assert ours == splinks
    assert len(set(ours.values())) < len(ids) - 200  # the links did join profiles
