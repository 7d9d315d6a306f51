"""In a real browser, axe-checked, with a real clamd: a worker adds a clean file, sees it and
downloads it; the EICAR test file is refused with a GOV.UK error; the chronology and its PDF."""

from pathlib import Path

import pytest

from earlyhelp.cases.services import episode_allocate
from earlyhelp.documents.models import Document
from earlyhelp.testing import journey
from earlyhelp.testing.clamd import EICAR, running_clamd
from earlyhelp.testing.world import build_world

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanner(settings, tmp_path):
    with running_clamd() as socket_path:
        settings.DOCUMENTS_CLAMD_ADDRESS = socket_path
        settings.DOCUMENTS_ALLOW_UNSCANNED = False
        settings.MEDIA_ROOT = str(tmp_path / "media")
        yield socket_path


def test_documents_and_chronology(checked_page, scanner, tmp_path):
    world = build_world()
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    clean = tmp_path / "attendance.txt"
    clean.write_bytes(b"School attendance letter, March\n")
    infected = tmp_path / "eicar.txt"
    infected.write_bytes(EICAR)

    page = checked_page()
    sign_in(page, world.worker)
    page.goto(f"/families/{world.family.pk}/")
    page.click_link("Documents", exact=True)
    page.fill("Title", "Attendance letter")
    page.page.set_input_files("#id_file", str(clean))
    page.click_button("Add document")
    assert "Attendance letter was checked for viruses and added" in page.page.content()
    with page.page.expect_download() as download:
        page.page.locator("a[href$='/download/']").click()
    assert Path(download.value.path()).read_bytes() == clean.read_bytes()
    assert download.value.suggested_filename == "attendance.txt"

    page.fill("Title", "Suspicious attachment")
    page.page.set_input_files("#id_file", str(infected))
    page.click_button("Add document")
    assert "The selected file contains a virus" in page.error_summary()
    assert Document.objects.count() == 1

    page.click_link("Chronology of", exact=False)
    assert "Early help episode opened" in page.page.content()
    assert "Document added: Attendance letter" in page.page.content()
    with page.page.expect_download() as pdf:
        page.page.get_by_role("link", name="Download this chronology as a PDF for printing").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
