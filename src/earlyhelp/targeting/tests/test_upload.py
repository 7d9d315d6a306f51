"""The agency-file upload page: the command line's checks, progress, provenance; analysts only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.targeting import uploads
from earlyhelp.targeting.models import AgencyUpload, SourceBatch, UploadStatus

from .test_imports import good_attendance

pytestmark = pytest.mark.django_db


def client_for(user):
    return verified_login(Client(), user)


def bad_attendance(tmp_path):
    path = good_attendance(tmp_path, name="bad.csv")
    text = path.read_text().splitlines()
    # Row 3: a date that is not one; row 4: sessions that are not a number.
    text[2] = text[2].replace("2014-03-02", "31/02/2014")
    text[3] = text[3].replace(",120,", ",lots,")
    path.write_text("\n".join(text) + "\n")
    return path


def post_file(client, path, source_type="school_attendance"):
    # The worker's job is queued when the upload commits: run it then, as the worker would.
    with open(path, "rb") as handle, TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("targeting:upload"),
            {"source_type": source_type, "file": SimpleUploadedFile(path.name, handle.read())},
        )


def test_a_good_file_is_imported_and_its_provenance_shown(tmp_path, targeting_dir, analyst):
    client = client_for(analyst)
    path = good_attendance(tmp_path)
    response = post_file(client, path)
    assert response.status_code == 302
    upload = AgencyUpload.objects.get()
    assert response["Location"] == reverse("targeting:upload_detail", args=[upload.pk])
    # The test settings run tasks at once (on commit): the import has happened.
    assert upload.status == UploadStatus.IMPORTED and upload.progress == 100
    batch = SourceBatch.objects.get()
    assert upload.batch == batch and batch.imported_by == analyst and batch.rows == 3
    assert batch.file_name == "attendance.csv"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and "File imported" in text
    for shown in (batch.sha256, "attendance.csv", analyst.display_name, "School attendance"):
        assert shown in text
    assert not list((targeting_dir / "uploads").iterdir()), "the uploaded copy is removed"
    assert AuditEvent.objects.filter(
        action="create", object_type="targeting.agencyupload", object_id=str(upload.pk)
    ).exists()


def test_a_file_with_errors_lists_each_and_writes_nothing(tmp_path, targeting_dir, analyst):
    client = client_for(analyst)
    response = post_file(client, bad_attendance(tmp_path))
    upload = AgencyUpload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    assert not SourceBatch.objects.exists()
    assert not list(targeting_dir.rglob("*.parquet"))
    problems = {(r, c) for r, c, _ in upload.problems}
    assert (3, "date_of_birth") in problems and (4, "sessions_possible") in problems
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "There is a problem" in text and "Nothing was written" in text
    assert "is not a date (use 2025-09-01 or 01/09/2025)" in text
    assert "is not a whole number" in text


def test_the_same_file_twice_is_refused_the_second_time(tmp_path, targeting_dir, analyst):
    client = client_for(analyst)
    path = good_attendance(tmp_path)
    post_file(client, path)
    post_file(client, path)
    second = AgencyUpload.objects.order_by("created_at").last()
    assert second.status == UploadStatus.REFUSED and "already imported" in second.message
    assert SourceBatch.objects.count() == 1


def test_the_form_says_what_is_missing_or_wrong(tmp_path, targeting_dir, analyst):
    client = client_for(analyst)
    page = client.post(reverse("targeting:upload"), {})
    assert page.status_code == 400
    assert b"Select which agency" in page.content and b"Select a CSV file to upload" in page.content
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    page = post_file(client, other)
    assert page.status_code == 400 and b"The file must be a CSV or an XLSX file" in page.content
    assert not AgencyUpload.objects.exists()


def test_progress_is_shown_while_the_file_waits_then_the_outcome(tmp_path, targeting_dir, analyst):
    client = client_for(analyst)
    with open(good_attendance(tmp_path), "rb") as handle:
        upload = uploads.upload_receive(
            acting_user=analyst,
            source_type="school_attendance",
            uploaded=SimpleUploadedFile("attendance.csv", handle.read()),
            enqueue=False,
        )
    page = client.get(reverse("targeting:upload_detail", args=[upload.pk]))
    assert b"upload-progress" in page.content and b"hx-get" in page.content
    panel = client.get(reverse("targeting:upload_progress", args=[upload.pk]))
    assert panel.status_code == 200 and "HX-Refresh" not in panel
    uploads.upload_import(upload)
    panel = client.get(reverse("targeting:upload_progress", args=[upload.pk]))
    assert panel["HX-Refresh"] == "true"
    assert (
        b"File imported" in client.get(reverse("targeting:upload_detail", args=[upload.pk])).content
    )


@pytest.mark.parametrize(
    "role",
    [Role.MANAGER, Role.WORKER, Role.PARTNER, Role.FRONT_DOOR, Role.PANEL_MEMBER, Role.ADMIN],
)
def test_other_roles_are_not_found(tmp_path, targeting_dir, analyst, role):
    with open(good_attendance(tmp_path), "rb") as handle:
        upload = uploads.upload_receive(
            acting_user=analyst,
            source_type="school_attendance",
            uploaded=SimpleUploadedFile("attendance.csv", handle.read()),
            enqueue=False,
        )
    client = client_for(UserFactory(username=f"u-{role}", role=role))
    assert client.get(reverse("targeting:upload")).status_code == 404
    assert post_file(client, good_attendance(tmp_path, name="b.csv")).status_code == 404
    assert client.get(reverse("targeting:upload_detail", args=[upload.pk])).status_code == 404
    assert client.get(reverse("targeting:upload_progress", args=[upload.pk])).status_code == 404
    assert AgencyUpload.objects.count() == 1
