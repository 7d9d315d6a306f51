import datetime as dt

import openpyxl
import pytest

from earlyhelp.core.models import AuditEvent
from earlyhelp.targeting import services
from earlyhelp.targeting.imports import ImportRefused
from earlyhelp.targeting.models import SourceBatch

from .helpers import nhs, person, upn, write_source

pytestmark = pytest.mark.django_db


def good_attendance(tmp_path, name="attendance.csv", count=3):
    rows = [
        {
            **person(f"Amy{i}", "Khan", "2014-03-02", "F", upn=upn(f"80120000000{i}")),
            "record_id": f"A{i}",
            "school_urn": "100001",
            "period_start": "2025-09-01",
            "period_end": "2025-12-19",
            "sessions_possible": "120",
            "sessions_unauthorised": "4",
        }
        for i in range(count)
    ]
    return write_source(tmp_path / name, "school_attendance", rows)


def test_a_good_file_is_staged_with_its_provenance(tmp_path, targeting_dir, analyst):
    path = good_attendance(tmp_path)
    batch = services.import_batch(source_type="school_attendance", path=path, acting_user=analyst)
    assert batch.rows == 3
    assert batch.imported_by == analyst
    assert len(batch.sha256) == 64
    assert batch.period_start == dt.date(2025, 9, 1)
    assert batch.period_end == dt.date(2025, 12, 19)
    assert (targeting_dir / batch.path).is_file()
    assert AuditEvent.objects.filter(
        action="create", object_type="targeting.sourcebatch", object_id=str(batch.pk)
    ).exists()


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path, targeting_dir):
    rows = [
        # row 2: fine
        {
            **person("Amy", "Khan", "2014-03-02", "F"),
            "record_id": "A1",
            "school_urn": "100001",
            "period_start": "2025-09-01",
            "period_end": "2025-12-19",
            "sessions_possible": "120",
            "sessions_unauthorised": "4",
        },
        # row 3: no surname, a date that is not one, a bad code
        {
            **person("Ben", "", "31/02/2014", "X"),
            "record_id": "A2",
            "school_urn": "100001",
            "period_start": "2025-09-01",
            "period_end": "2025-12-19",
            "sessions_possible": "120",
            "sessions_unauthorised": "4",
        },
        # row 4: a bad NHS number and UPN, a count that is not a number
        {
            **person("Cal", "Ng", "2014-03-02", "M", nhs_number="1234567890", upn="A123"),
            "record_id": "A3",
            "school_urn": "100001",
            "period_start": "2025-09-01",
            "period_end": "2025-12-19",
            "sessions_possible": "lots",
            "sessions_unauthorised": "4",
        },
        # row 5: more missed than possible; a repeated record id
        {
            **person("Dee", "Ng", "2014-03-02", "F"),
            "record_id": "A1",
            "school_urn": "100001",
            "period_start": "2025-09-01",
            "period_end": "2025-12-19",
            "sessions_possible": "10",
            "sessions_unauthorised": "40",
        },
    ]
    path = write_source(tmp_path / "bad.csv", "school_attendance", rows)
    with pytest.raises(ImportRefused) as refused:
        services.import_batch(source_type="school_attendance", path=path)
    found = {(e.row, e.column, e.reason) for e in refused.value.errors}
    assert (3, "surname", "is required") in found
    assert (3, "date_of_birth", "is not a date (use 2025-09-01 or 01/09/2025)") in found
    assert any(r == 3 and c == "sex" and "is not one of the codes" in m for r, c, m in found)
    assert any(r == 4 and c == "nhs_number" and "NHS number" in m for r, c, m in found)
    assert any(r == 4 and c == "upn" and "UPN" in m for r, c, m in found)
    assert (4, "sessions_possible", "is not a whole number") in found
    assert any(r == 5 and "sessions_unauthorised" in c for r, c, m in found)
    assert (2, "record_id", "'A1' appears more than once in the file") in found
    assert (5, "record_id", "'A1' appears more than once in the file") in found
    assert {e.row for e in refused.value.errors} == {2, 3, 4, 5}
    assert "Nothing was written" in str(refused.value)
    assert not SourceBatch.objects.exists()
    assert not list(targeting_dir.rglob("*.parquet"))


def test_missing_and_unknown_columns_are_refused(tmp_path, targeting_dir):
    path = tmp_path / "police.csv"
    path.write_text("record_id,first_name,dob,incident_date\nP1,Amy,2014-03-02,2025-01-01\n")
    with pytest.raises(ImportRefused) as refused:
        services.import_batch(source_type="police", path=path)
    found = {(e.row, e.column, e.reason.split(" (")[0]) for e in refused.value.errors}
    assert (None, "surname", "required column is missing from the header") in found
    assert (None, "incident_type", "required column is missing from the header") in found
    assert (None, "dob", "is not a column of Police: crime and anti-social behaviour") in found
    assert not SourceBatch.objects.exists()


def test_a_ragged_row_is_reported(tmp_path, targeting_dir):
    path = good_attendance(tmp_path)
    with open(path, "a") as handle:
        handle.write("A9,too,few\n")
    with pytest.raises(ImportRefused) as refused:
        services.import_batch(source_type="school_attendance", path=path)
    assert any("values where the header has" in e.reason for e in refused.value.errors)
    assert not SourceBatch.objects.exists()


def test_the_same_file_twice_is_detected(tmp_path, targeting_dir, analyst):
    path = good_attendance(tmp_path)
    first = services.import_batch(source_type="school_attendance", path=path, acting_user=analyst)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(ImportRefused) as refused:
        services.import_batch(source_type="school_attendance", path=copy)
    assert "already imported" in str(refused.value)
    assert first.file_name in str(refused.value)
    assert SourceBatch.objects.count() == 1
    assert len(list(targeting_dir.rglob("*.parquet"))) == 1


def test_an_xlsx_file_is_checked_the_same_way(tmp_path, targeting_dir):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "record_id",
            "first_name",
            "surname",
            "date_of_birth",
            "nhs_number",
            "attendance_date",
            "reason",
        ]
    )
    sheet.append(
        [
            "E1",
            "Amy",
            "Khan",
            dt.datetime(2014, 3, 2),
            nhs("401023213"),
            dt.date(2025, 10, 1),
            "injury",
        ]
    )
    sheet.append(["E2", "Ben", "Khan", "not a date", "", dt.date(2025, 10, 1), "broken leg"])
    path = tmp_path / "ae.xlsx"
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        services.import_batch(source_type="ae_attendance", path=path)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(3, "date_of_birth"), (3, "reason")}
    sheet.delete_rows(3)
    book.save(path)
    batch = services.import_batch(source_type="ae_attendance", path=path)
    assert batch.rows == 1 and batch.period_start == dt.date(2025, 10, 1)


def test_a_withdrawn_batch_is_left_out_of_later_runs(tmp_path, targeting_dir, analyst):
    from earlyhelp.core.errors import IllegalMove
    from earlyhelp.targeting.pipeline import run as pipeline_run

    kept = services.import_batch(source_type="school_attendance", path=good_attendance(tmp_path))
    gone = services.import_batch(
        source_type="school_attendance", path=good_attendance(tmp_path, "more.csv", count=4)
    )
    services.batch_withdraw(batch=gone, acting_user=analyst, reason="Sent in error")
    with pytest.raises(IllegalMove, match="already withdrawn"):
        services.batch_withdraw(batch=gone, acting_user=analyst, reason="again")
    gone.refresh_from_db()
    assert gone.is_active is False and gone.version == 2
    assert (targeting_dir / gone.path).is_file()  # kept for provenance
    assert AuditEvent.objects.filter(action="change", object_id=str(gone.pk)).count() == 1
    run = services.run_start(
        acting_user=analyst, reference_date=dt.date(2026, 3, 31), enqueue=False
    )
    run = pipeline_run.execute(run)
    assert list(run.batches.all()) == [kept]
