"""The documents API: list, multipart upload scanned by the real clamd (fail closed), audited
download, delete with a reason; the one error shape; out of scope is a 404 on every call."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from earlyhelp.cases.tests.pages import allocated_episode
from earlyhelp.core.models import AuditEvent
from earlyhelp.documents.models import Document, ScanResult
from earlyhelp.testing import journey
from earlyhelp.testing.clamd import EICAR

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def _upload(client, family, *, name="letter.txt", content=b"Attendance letter\n", **fields):
    body = {"title": "Letter", "file": SimpleUploadedFile(name, content), **fields}
    return client.post(f"/api/families/{family.pk}/documents/", body, format="multipart")


def _error(response, status):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) >= {"status", "code", "detail"} and body["status"] == status
    return body


def test_upload_list_detail_download_delete(world, episode, scanner):
    client = api(world.worker)
    response = _upload(client, world.family, episode=str(episode.pk))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["title"], created["episode"], created["scan_result"], created["size"]) == (
        "Letter", str(episode.pk), ScanResult.CLEAN, 18)
    document = Document.objects.get(pk=created["id"])

    listing = client.get(f"/api/families/{world.family.pk}/documents/").json()
    assert [d["id"] for d in listing["results"]] == [created["id"]]
    assert client.get(f"/api/documents/{document.pk}/").json()["original_name"] == "letter.txt"

    before = AuditEvent.objects.filter(action="export", object_id=str(document.pk)).count()
    download = client.get(f"/api/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Attendance letter\n"
    assert download["Content-Disposition"] == 'attachment; filename="letter.txt"'
    assert AuditEvent.objects.filter(action="export", object_id=str(document.pk)).count() == (
        before + 1)

    body = _error(client.post(f"/api/documents/{document.pk}/delete/", {"reason": " "},
                              format="json"), 400)
    assert list(body["errors"]) == ["reason"]
    deleted = client.post(f"/api/documents/{document.pk}/delete/",
                          {"reason": "Wrong family"}, format="json")
    assert deleted.status_code == 200
    document.refresh_from_db()
    assert document.delete_reason == "Wrong family" and document.deleted_by == world.worker
    assert _error(client.get(f"/api/documents/{document.pk}/download/"), 404)
    listing = client.get(f"/api/families/{world.family.pk}/documents/").json()
    assert listing["results"] == []


def test_infected_file_is_a_400_on_file_kept_nowhere_and_the_refusal_audited(
        world, episode, scanner):
    body = _error(_upload(api(world.worker), world.family, name="eicar.txt", content=EICAR), 400)
    assert list(body["errors"]) == ["file"]
    assert "contains a virus (Earlyhelp.Test.EICAR" in body["errors"]["file"][0]
    assert not Document.objects.exists()
    assert AuditEvent.objects.filter(action="refused", family_id=world.family.pk).exists()


def test_no_scanner_fails_closed(world, episode, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOCUMENTS_CLAMD_ADDRESS = str(tmp_path / "no-clamd.sock")
    settings.DOCUMENTS_ALLOW_UNSCANNED = False
    body = _error(_upload(api(world.worker), world.family), 400)
    assert "could not be checked for viruses" in body["errors"]["file"][0]
    assert not Document.objects.exists()
    assert AuditEvent.objects.filter(action="refused",
                                     detail__startswith="upload not scanned").exists()


def test_type_size_missing_fields_and_another_familys_episode(world, episode, scanner,
                                                               settings):
    client = api(world.worker)
    settings.DOCUMENTS_MAX_BYTES = 1024 * 1024
    body = _error(_upload(client, world.family, name="setup.pdf", content=b"MZ\x90\0\x03"), 400)
    assert "must be a PDF" in body["errors"]["file"][0]
    body = _error(_upload(client, world.family, content=b"a" * (1024 * 1024 + 1)), 400)
    assert body["errors"]["file"] == ["The selected file must be smaller than 1 MB"]
    body = _error(client.post(f"/api/families/{world.family.pk}/documents/", {},
                              format="multipart"), 400)
    assert set(body["errors"]) == {"title", "file"}
    body = _error(_upload(client, world.family, episode=str(uuid.uuid4())), 400)
    assert list(body["errors"]) == ["episode"]
    # JSON cannot carry a file: the upload is multipart only.
    assert _error(client.post(f"/api/families/{world.family.pk}/documents/",
                              {"title": "x"}, format="json"), 415)
    assert not Document.objects.exists()


def test_a_file_over_the_json_cap_reaches_the_documents_cap(world, episode, scanner, settings):
    # 3 MB: over the JSON body cap (2.5 MB), under the documents' 10 MB – kept.
    settings.DOCUMENTS_MAX_BYTES = 10 * 1024 * 1024
    content = b"line of a long report\n" * (3 * 1024 * 1024 // 22)
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert _upload(api(world.worker), world.family, content=content).status_code == 201
    body = _error(_upload(api(world.worker), world.family,
                          content=b"x" * (10 * 1024 * 1024 + 128 * 1024)), 413)
    assert body["code"] == "too_large"


def test_partner_who_cannot_see_the_family_gets_404_on_each(world, episode, scanner):
    document = Document.objects.get(pk=_upload(api(world.worker), world.family).json()["id"])
    for user in (world.partner, world.other_worker):
        client = api(user)
        for response in (
            client.get(f"/api/families/{world.family.pk}/documents/"),
            _upload(client, world.family),
            client.get(f"/api/documents/{document.pk}/"),
            client.get(f"/api/documents/{document.pk}/download/"),
            client.post(f"/api/documents/{document.pk}/delete/", {"reason": "x"},
                        format="json"),
        ):
            assert _error(response, 404)["code"] == "not_found"
    assert Document.objects.filter(deleted_at__isnull=True).count() == 1
    assert not AuditEvent.objects.filter(action="export",
                                         user__in=[world.partner, world.other_worker]).exists()


def test_in_scope_partner_may_read_but_not_add_or_delete(world, episode, scanner):
    document = Document.objects.get(pk=_upload(api(world.worker), world.family).json()["id"])
    journey.partner_joins_taf(world, episode)
    client = api(world.partner)
    assert client.get(f"/api/documents/{document.pk}/").status_code == 200
    assert _error(_upload(client, world.family), 403)["code"] == "permission_denied"
    assert _error(client.post(f"/api/documents/{document.pk}/delete/", {"reason": "x"},
                              format="json"), 403)
    assert Document.objects.count() == 1
