"""The import page: the upload is checked and imported by the task worker, with progress; the
same report as the command (every problem, nothing written), and the run's provenance."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.history import services
from earlyhelp.history.models import ImportRun, RunStatus
from earlyhelp.people.models import Person

from .conftest import SMALL, edit

pytestmark = pytest.mark.django_db
URL = "/history/import/"


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.EARLYHELP_HISTORY_DIR = str(tmp_path / "staged")
    return tmp_path / "staged"


def zipped(directory) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in directory.glob("*.csv"):
            archive.write(path, f"extract/{path.name}")
    return SimpleUploadedFile("extract.zip", buffer.getvalue(), "application/zip")


def upload(client, capture, data):
    """Post the form; the worker (immediate in tests) runs when the request commits."""
    with capture(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


def test_a_zip_is_imported_and_summarised(client, manager, staging,
                                          django_capture_on_commit_callbacks):
    verified_login(client, manager)
    response = upload(client, django_capture_on_commit_callbacks,
                      {"source_system": "Mosaic", "files": zipped(SMALL)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "History imported" in html and "27 rows from Mosaic" in html
    assert "6 people created" in html
    assert Person.objects.count() == 6
    # Provenance: who, when, and each file read with its SHA-256.
    run = ImportRun.objects.get()
    assert (run.created_by, run.source_system, run.rows, run.status) == (
        manager, "Mosaic", 27, RunStatus.IMPORTED)
    person_csv = (SMALL / "ssd_person.csv").read_bytes()
    assert {"name": "ssd_person.csv", "bytes": len(person_csv),
            "sha256": hashlib.sha256(person_csv).hexdigest()} in run.files
    assert len(run.files) == 7
    assert hashlib.sha256(person_csv).hexdigest() in html
    assert AuditEvent.objects.filter(object_id=str(run.pk), user=manager).exists()
    assert not any(staging.iterdir())  # the staged files are gone
    listing = client.get(URL).content.decode()
    assert hashlib.sha256(person_csv).hexdigest()[:12] in listing and "Imported" in listing


def test_csv_files_with_a_bad_row_show_every_problem_and_write_nothing(
        client, manager, extract, staging, django_capture_on_commit_callbacks):
    edit(extract, "ssd_person", "P2,Bilal,Khan,M", "P2,Bilal,Khan,X")
    verified_login(client, manager)
    files = [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in extract.glob("*.csv")]
    response = upload(client, django_capture_on_commit_callbacks,
                      {"source_system": "Mosaic", "files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "1 problem in the extract: nothing was imported" in html
    assert "<td class=\"govuk-table__cell\">ssd_person</td><td class=\"govuk-table__cell\">3</td>" \
        "<td class=\"govuk-table__cell\">pers_sex</td>" in html
    assert Person.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED and run.problems[0][:3] == ["ssd_person", 3, "pers_sex"]
    assert not any(staging.iterdir())


def test_a_queued_import_shows_its_progress_until_the_worker_is_done(client, manager):
    files = {p.name: p.read_bytes() for p in SMALL.glob("*.csv")}
    run = services.import_receive(files=files, source_system="Mosaic", acting_user=manager,
                                  enqueue=False)
    verified_login(client, manager)
    page = client.get(f"/history/runs/{run.pk}/").content.decode()
    assert "Waiting for the worker" in page and 'hx-get="/history/runs/' in page
    progress = client.get(f"/history/runs/{run.pk}/progress/")
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    services.import_run(run.pk)
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows, run.percent) == (
        RunStatus.IMPORTED, 27, 27, 100)
    assert client.get(f"/history/runs/{run.pk}/progress/")["HX-Refresh"] == "true"
    # A second worker finds it claimed and does nothing.
    assert services.import_run(run.pk).status == RunStatus.IMPORTED
    assert Person.objects.count() == 6


def test_missing_answers_are_asked_for(client, manager):
    verified_login(client, manager)
    response = client.post(URL, {"source_system": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose the SSD CSV files or a zip of them" in html
    assert "Enter the system the extract came from" in html
    assert not ImportRun.objects.exists()


def test_a_file_that_is_not_csv_or_zip_is_refused(client, manager):
    verified_login(client, manager)
    response = client.post(URL, {"source_system": "Mosaic",
                                 "files": SimpleUploadedFile("x.xlsx", b"PK", "application/zip")})
    assert response.status_code == 400 and "x.xlsx is not a CSV or zip file" in (
        response.content.decode())


def test_a_practitioner_cannot_open_the_page(client, teams, manager):
    from earlyhelp.core.models import Role
    from earlyhelp.core.tests.factories import UserFactory

    run = services.import_receive(files={"ssd_person.csv": b"x"}, source_system="Mosaic",
                                  acting_user=manager, enqueue=False)
    verified_login(client, UserFactory(role=Role.WORKER, team=teams[0]))
    assert client.get(URL).status_code == 403
    assert client.get(f"/history/runs/{run.pk}/").status_code == 403
    assert client.get(f"/history/runs/{run.pk}/progress/").status_code == 403


@pytest.mark.parametrize("role", ["analyst", "front_door", "partner", "panel_member"])
def test_other_roles_cannot_open_the_page(client, teams, role):
    from earlyhelp.core.tests.factories import UserFactory

    verified_login(client, UserFactory(role=role, team=None))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"source_system": "Mosaic"}).status_code == 403
    assert not ImportRun.objects.exists()
