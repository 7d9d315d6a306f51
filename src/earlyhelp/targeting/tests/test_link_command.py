"""`earlyhelp link --config MAPPING.toml FILE... --out clusters.csv`, end to end."""

import csv

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
