"""In a real browser, axe-checked, with a real clamd: an administrator changes a letter template
(an unknown placeholder is refused by name); a worker creates a closure letter from a closed
episode, previews it and downloads the PDF from the family's documents."""

from pathlib import Path

import pytest

from earlyhelp.cases.services import episode_allocate, episode_close
from earlyhelp.letters.models import Letter, LetterTemplate
from earlyhelp.testing import journey
from earlyhelp.testing.clamd import running_clamd
from earlyhelp.testing.world import build_world, days_ago

from .support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanner(settings, tmp_path):
    with running_clamd() as socket_path:
        settings.DOCUMENTS_CLAMD_ADDRESS = socket_path
        settings.DOCUMENTS_ALLOW_UNSCANNED = False
        settings.MEDIA_ROOT = str(tmp_path / "media")
        yield socket_path


def test_admin_edits_a_template_and_a_worker_creates_a_closure_letter(checked_page, scanner):
    world = build_world()
    episode = journey.open_episode(world)
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    episode_close(episode=episode, outcome="moved_away", end_date=days_ago(1),
                  acting_user=world.worker)

    admin = checked_page()
    sign_in(admin, world.admin)
    admin.goto("/")
    admin.click_link("Letter templates")
    admin.click_link("Closure letter to the family (example to adapt)")
    body = admin.page.get_by_label("Text of the letter")
    original = body.input_value()
    body.fill(original + "\n\nYour worker was {{ lead_worker }}.")
    admin.click_button("Save template")
    assert "does not exist: {{ lead_worker }}" in admin.error_summary()
    body = admin.page.get_by_label("Text of the letter")
    body.fill(original + "\n\nWe enjoyed working with you, {{ family_name }}.")
    admin.click_button("Save template")
    assert admin.heading() == "Letter templates"
    admin.close()
    template = LetterTemplate.objects.get(kind="closure")
    assert template.versions.count() == 2

    page = checked_page()
    sign_in(page, world.worker)
    page.goto(f"/episodes/{episode.pk}/")
    page.click_link("Create a letter")
    page.click_link("Closure letter to the family (example to adapt)")
    content = page.page.content()
    assert "Why it ended: Moved out of area." in content
    assert f"We enjoyed working with you, {world.family.name}." in content
    page.click_button("Create letter")
    assert "was created and added to the family's documents" in page.page.content()
    letter = Letter.objects.get()
    assert letter.template_version.number == 2
    with page.page.expect_download() as download:
        page.page.locator(f"a[href$='/{letter.document.pk}/download/']").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith(".pdf")
