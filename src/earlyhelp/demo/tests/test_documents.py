"""The demo's documents go through the documents service: scanned by the real clamd when it
runs; without it, kept as "not scanned" only where development allows, else refused and said."""

import io

import pytest

from earlyhelp.cases.tests.pages import allocated_episode
from earlyhelp.demo.documents import load_demo_documents
from earlyhelp.documents import rules
from earlyhelp.documents.models import Document, ScanResult
from earlyhelp.testing.clamd import running_clamd

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_documents_are_scanned_by_clamd(world, settings, media):
    episode = allocated_episode(world)
    with running_clamd() as socket:
        settings.DOCUMENTS_CLAMD_ADDRESS = socket
        settings.DOCUMENTS_ALLOW_UNSCANNED = False
        made = load_demo_documents(seed=1)
    assert made == {"documents": 2, "families": 1, "scan": "scanned by clamd", "refused": ""}
    documents = Document.objects.order_by("title")
    assert [(d.title, d.content_type, d.scan_result, d.episode, d.created_by)
            for d in documents] == [
        ("Home visit record", "text/plain", ScanResult.CLEAN, episode, world.worker),
        ("School attendance letter", "application/pdf", ScanResult.CLEAN, episode,
         world.worker)]
    assert load_demo_documents(seed=1)["documents"] == 0  # once


def test_without_clamd_the_service_decides(world, settings, media, tmp_path):
    allocated_episode(world)
    settings.DOCUMENTS_CLAMD_ADDRESS = str(tmp_path / "no-clamd.sock")
    settings.DOCUMENTS_ALLOW_UNSCANNED = False
    made = load_demo_documents(seed=1)
    assert made["documents"] == 0 and "could not be checked for viruses" in made["refused"]
    assert not Document.objects.exists()

    settings.DOCUMENTS_ALLOW_UNSCANNED = True  # development
    made = load_demo_documents(seed=1)
    assert made["documents"] == 2 and made["scan"].startswith("not scanned")
    assert set(Document.objects.values_list("scan_result", flat=True)) == {
        ScanResult.NOT_SCANNED}


def test_the_generated_pdf_is_a_pdf_by_its_content(world):
    from earlyhelp.demo.documents import _attendance_letter

    content = _attendance_letter(allocated_episode(world))
    assert rules.sniff(io.BytesIO(content)) == "pdf" and len(content) < 10_000
