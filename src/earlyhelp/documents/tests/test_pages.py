"""The documents pages and the chronology: scope (404), policy (403), audit, the real scanner."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.documents.models import Document, ScanResult
from earlyhelp.testing import journey
from earlyhelp.testing.clamd import EICAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def _post(client, family, *, name="letter.txt", content=b"Attendance letter\n", title="Letter",
          episode=""):
    return client.post(reverse("documents:family", args=[family.pk]), {
        "title": title, "episode": str(episode),
        "file": SimpleUploadedFile(name, content, content_type="text/plain")})


def _stored(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_clean_upload_is_kept_listed_downloaded_and_audited(world, episode, client, scanner,
                                                            settings):
    verified_login(client, world.worker)
    response = _post(client, world.family, episode=episode.pk)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.scan_result, document.episode, document.created_by) == (
        ScanResult.CLEAN, episode, world.worker)
    assert document.scanner == f"clamd {scanner}" and document.scanned_at
    [path] = _stored(settings)
    assert path.name == document.stored_name != "letter.txt"
    assert path.read_bytes() == b"Attendance letter\n"
    assert AuditEvent.objects.filter(action="create", object_id=str(document.pk),
                                     family_id=world.family.pk).exists()

    page = text(client.get(reverse("documents:family", args=[world.family.pk])))
    assert "Letter was checked for viruses and added" in page
    assert "letter.txt" in page and f"Episode {episode.reference}" in page

    before = AuditEvent.objects.filter(action="export", object_id=str(document.pk)).count()
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Attendance letter\n"
    assert 'attachment; filename="letter.txt"' == response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    client.get(reverse("documents:download", args=[document.pk]))
    assert AuditEvent.objects.filter(action="export", object_id=str(document.pk)).count() == (
        before + 2)  # every download


def test_infected_upload_is_refused_and_recorded(world, episode, client, scanner, settings):
    verified_login(client, world.worker)
    response = _post(client, world.family, name="eicar.txt", content=EICAR)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "The selected file contains a virus (Earlyhelp.Test.EICAR" in page
    assert not Document.objects.exists() and not _stored(settings)
    refusal = AuditEvent.objects.get(action="refused", family_id=world.family.pk)
    assert "Earlyhelp.Test.EICAR" in refusal.detail and refusal.user == world.worker


def test_unreachable_scanner_refuses_unless_development_allows(world, episode, client, settings,
                                                               tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOCUMENTS_CLAMD_ADDRESS = str(tmp_path / "no-clamd.sock")
    settings.DOCUMENTS_ALLOW_UNSCANNED = False
    verified_login(client, world.worker)
    response = _post(client, world.family)
    assert response.status_code == 400
    assert "could not be checked for viruses, so it was not kept" in text(response)
    assert not Document.objects.exists() and not _stored(settings)
    assert AuditEvent.objects.filter(action="refused", detail__startswith="upload not scanned"
                                     ).exists()

    settings.DOCUMENTS_ALLOW_UNSCANNED = True  # development only (settings.local)
    assert _post(client, world.family).status_code == 302
    document = Document.objects.get()
    assert document.scan_result == ScanResult.NOT_SCANNED and document.scanned_at is None
    page = text(client.get(reverse("documents:family", args=[world.family.pk])))
    assert "Not scanned (development only)" in page


def test_wrong_type_and_size_are_refused_before_scanning(world, episode, client, scanner,
                                                         settings):
    settings.DOCUMENTS_MAX_BYTES = 1024 * 1024
    verified_login(client, world.worker)
    response = _post(client, world.family, name="setup.pdf", content=b"MZ\x90\0\x03\0\0\0")
    assert response.status_code == 400
    assert "The selected file must be a PDF, PNG image, JPEG image" in text(response)
    response = _post(client, world.family, content=b"a" * (1024 * 1024 + 1))
    assert "The selected file must be smaller than 1 MB" in text(response)
    response = client.post(reverse("documents:family", args=[world.family.pk]), {"title": ""})
    assert "Enter a title for the document" in text(response)
    assert "Select a file" in text(response)
    assert not Document.objects.exists() and not _stored(settings)
    assert not AuditEvent.objects.filter(action="refused").exists()  # never reached the scanner


def _document(world, episode, client):
    verified_login(client, world.worker)
    assert _post(client, world.family).status_code == 302
    return Document.objects.get()


def test_out_of_scope_users_get_404_everywhere(world, episode, client, scanner):
    document = _document(world, episode, client)
    for user in (world.other_worker, world.analyst, world.admin):
        verified_login(client, user)
        for name, arg in (("family", world.family.pk), ("chronology", world.family.pk),
                          ("chronology_pdf", world.family.pk), ("download", document.pk),
                          ("delete", document.pk)):
            url = reverse(f"documents:{name}", args=[arg])
            assert client.get(url).status_code == 404, (user.role, name)
            assert client.post(url, {"reason": "x"}).status_code == 404, (user.role, name)
        assert _post(client, world.family).status_code == 404
    assert Document.objects.get().deleted_at is None
    assert not AuditEvent.objects.filter(action="export", user__in=[
        world.other_worker, world.analyst, world.admin]).exists()


def test_in_scope_user_who_may_not_add_gets_403_and_no_form(world, episode, client, scanner):
    journey.partner_joins_taf(world, episode)  # in scope as a TAF member, not the lead
    verified_login(client, world.partner)
    page = client.get(reverse("documents:family", args=[world.family.pk]))
    assert page.status_code == 200 and "Add a document" not in text(page)
    assert _post(client, world.family).status_code == 403
    assert not Document.objects.exists()


def test_delete_by_uploader_or_manager_with_reason(world, episode, client, scanner):
    document = _document(world, episode, client)
    colleague = UserFactory(role=Role.WORKER, team=world.team)  # in scope, not the uploader
    verified_login(client, colleague)
    url = reverse("documents:delete", args=[document.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Wrong family"}).status_code == 403

    verified_login(client, world.manager)
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400
    assert "Enter why the document is being deleted" in text(response)
    assert client.post(url, {"reason": "Uploaded to the wrong family"}).status_code == 302
    document.refresh_from_db()
    assert (document.deleted_by, document.delete_reason) == (
        world.manager, "Uploaded to the wrong family")
    assert AuditEvent.objects.filter(action="change", object_id=str(document.pk),
                                     reason="Uploaded to the wrong family").exists()
    # Gone for everybody, the uploader too.
    verified_login(client, world.worker)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert "letter.txt" not in text(client.get(reverse("documents:family",
                                                       args=[world.family.pk])))


def test_chronology_page_and_pdf(world, episode, client, scanner, django_assert_num_queries):
    from earlyhelp.documents.chronology import family_chronology

    document = _document(world, episode, client)
    with django_assert_num_queries(10):  # one per source; significant case notes joined
        events = family_chronology(family=world.family, user=world.worker)
    whats = [e.what for e in events]
    assert "Early help episode opened" in whats
    assert whats[-1] == f"Document added: {document.title}"
    assert [e.on for e in events] == sorted(e.on for e in events)

    page = text(client.get(reverse("documents:chronology", args=[world.family.pk])))
    assert "Early help episode opened" in page and episode.reference in page
    assert AuditEvent.objects.filter(action="view", detail="chronology",
                                     family_id=world.family.pk).exists()
    response = client.get(reverse("documents:chronology_pdf", args=[world.family.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="export", detail="chronology PDF",
                                     family_id=world.family.pk).exists()
