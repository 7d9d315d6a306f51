"""`earlyhelp link`: every bad input is one line naming the file, row, column or key, exit code
2, found before any work, with nothing written."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from .test_link_command import files, write_csv  # noqa: F401  (the fixture)


def refused(tmp_path, *args) -> str:
    """Run link; it must refuse with exit code 2 and write nothing. Returns the message."""
    out = tmp_path / "clusters.csv"
    with pytest.raises(CommandError) as error:
        call_command("link", *map(str, args), "--out", str(out))
    assert error.value.returncode == 2
    message = str(error.value)
    assert "\n" not in message
    assert not out.exists()
    assert not (tmp_path / "clusters-review.csv").exists()
    return message


def with_mapping(mapping, text):
    mapping.write_text(text)
    return mapping


SCHOOL = """[files."school.csv"]
record_id = "Pupil ID"
first_name = "Forename"
surname = "Surname"
date_of_birth = "DOB"
"""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("surname = 3", 'school.csv"] surname = 3: must be a column name'),
        ('first_name = ["Forename", "X"]', "first_name = ['Forename', 'X']: must be a column"),
        ("address = [1, 2]", "address = [1, 2]: must be a column name or a list"),
        ('date_format = "%Q"', "date_format = '%Q' is not a date format"),
        ('date_format = "daymonthyear"', "date_format = 'daymonthyear' is not a date format"),
        ("date_format = 5", "date_format = 5 is not a date format"),
    ],
)
def test_a_mapping_value_of_the_wrong_type_is_named(files, tmp_path, line, expected):  # noqa: F811
    mapping, school, _ = files
    key = line.split("=")[0].strip()
    text = "".join(row for row in SCHOOL.splitlines(True) if not row.startswith(f"{key} ="))
    with_mapping(mapping, text + line + "\n")
    message = refused(tmp_path, school, "--config", mapping)
    assert message.startswith("mapping.toml:")
    assert expected in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('match_threshold = "high"', "match_threshold = 'high': must be a number between 0 and 1"),
        ("match_threshold = 1.5", "match_threshold = 1.5: must be a number from 0 and below 1"),
        ("match_threshold = 1", "match_threshold = 1.0: must be a number from 0 and below 1"),
        ("match_threshold = true", "match_threshold = True: must be a number"),
        ("review_floor = 0.99", "review_floor (0.99) must be above 0 and no higher than"),
        ("max_bad_dates = -0.1", "max_bad_dates = -0.1: must be a number from 0"),
        ("threshold = 0.9", "[link] unknown key(s) threshold"),
    ],
)
def test_a_bad_link_setting_is_named(files, tmp_path, line, expected):  # noqa: F811
    mapping, school, _ = files
    with_mapping(mapping, SCHOOL + "\n[link]\n" + line + "\n")
    message = refused(tmp_path, school, "--config", mapping)
    assert expected in message


def test_a_mapping_that_is_not_toml_is_named(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    with_mapping(mapping, "[files\nfirst_name = \n")
    assert refused(tmp_path, school, "--config", mapping).startswith("mapping.toml: cannot read")


def test_an_empty_file_is_refused(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    school.write_bytes(b"")
    with_mapping(mapping, SCHOOL)
    assert refused(tmp_path, school, "--config", mapping) == (
        "school.csv: the file is empty (0 bytes)"
    )


def test_a_file_that_is_not_utf8_names_the_row(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    lines = school.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"Thomas", "Thömas".encode("latin-1"))
    school.write_bytes(b"".join(lines))
    with_mapping(mapping, SCHOOL)
    message = refused(tmp_path, school, "--config", mapping)
    assert message.startswith("school.csv: row 3 is not UTF-8 text")


def test_a_header_only_file_is_refused(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    school.write_text(school.read_text().splitlines()[0] + "\n")
    with_mapping(mapping, SCHOOL)
    assert refused(tmp_path, school, "--config", mapping) == (
        "school.csv: the file has a header but no records"
    )


def test_a_row_with_the_wrong_number_of_values_names_file_and_row(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    with open(school, "a") as handle:
        handle.write("S9,Ann,Lee\n")
    with_mapping(mapping, SCHOOL)
    message = refused(tmp_path, school, "--config", mapping)
    assert message == "school.csv: row 5: has 3 values where the header has 7"


def test_an_out_folder_that_does_not_exist_is_refused_before_work(files, tmp_path):  # noqa: F811
    mapping, school, health = files
    out = tmp_path / "missing" / "clusters.csv"
    with pytest.raises(CommandError) as error:
        call_command("link", str(school), "--config", str(mapping), "--out", str(out))
    assert error.value.returncode == 2
    assert str(error.value) == f"--out {out}: the folder {out.parent} does not exist"


def test_a_repeated_record_id_names_the_rows(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    with open(school, "a") as handle:
        handle.write("S1,Jo,Brown,03/05/2014,F,EB1 1AA,12 Oak Road\n")
    with_mapping(mapping, SCHOOL)
    message = refused(tmp_path, school, "--config", mapping)
    assert message == (
        "school.csv: record id 'S1' is repeated (rows 2, 5); record ids must be unique within "
        "a file"
    )


def dates_file(tmp_path, bad: int, good: int = 20):
    rows = [[f"R{i}", f"Name{i}", "Smith", f"{(i % 28) + 1:02d}/03/2010"] for i in range(good)]
    rows += [[f"B{i}", f"Bad{i}", "Smith", "31/31/2010"] for i in range(bad)]
    path = write_csv(tmp_path / "people.csv", ["id", "first", "last", "born"], rows)
    mapping = tmp_path / "people.toml"
    mapping.write_text(
        '[default]\nrecord_id = "id"\nfirst_name = "first"\nsurname = "last"\n'
        'date_of_birth = "born"\n'
    )
    return path, mapping


def test_unreadable_dates_over_the_threshold_are_refused_naming_rows(tmp_path):
    path, mapping = dates_file(tmp_path, bad=3)
    message = refused(tmp_path, path, "--config", mapping)
    assert message.startswith(
        "people.csv, column born: 3 of 23 dates (13.0%) could not be read as %d/%m/%Y "
        "(rows 22, 23, 24); at most 2.0% allowed"
    )


def test_strict_refuses_any_unreadable_date(tmp_path):
    path, mapping = dates_file(tmp_path, bad=1, good=100)
    message = refused(tmp_path, path, "--config", mapping, "--strict")
    assert "1 of 101 dates (1.0%) could not be read" in message
    assert "(rows 102); --strict allows none" in message


def test_a_few_unreadable_dates_are_reported_and_the_run_goes_on(tmp_path, capsys):
    path, mapping = dates_file(tmp_path, bad=1, good=100)
    out = tmp_path / "clusters.csv"
    call_command("link", str(path), "--config", str(mapping), "--out", str(out))
    err = capsys.readouterr().err
    assert "people.csv, column born: 1 of 101 dates (1.0%) could not be read" in err
    assert "(rows 102): left blank" in err
    assert out.exists()


def test_the_command_line_exits_2_with_one_line(files, tmp_path):  # noqa: F811
    mapping, school, _ = files
    with_mapping(mapping, SCHOOL + '\n[link]\nmatch_threshold = "high"\n')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "earlyhelp.cli",
            "link",
            str(school),
            "--config",
            str(mapping),
            "--out",
            str(tmp_path / "out.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "match_threshold = 'high'" in done.stderr
    assert not (tmp_path / "out.csv").exists()
