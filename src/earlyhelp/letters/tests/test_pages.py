"""The letters pages: templates kept by administrators (versions, unknown placeholders), letters
made from an episode, a request and a person (stored as scanned documents), scope (404) and
policy (403) on every view."""

import pytest
from django.urls import reverse

from earlyhelp.cases.services import episode_close
from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.documents.models import Document
from earlyhelp.letters import services
from earlyhelp.letters.models import Letter, LetterTemplate
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db

BODY = "Dear {{ family_name }},\n\nWe worked with you from {{ episode_start_date }}."


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def _closure():
    return LetterTemplate.objects.get(kind="closure")


def _template_post(**overrides):
    data = {"name": "Closure (short)", "kind": "closure", "body": BODY, "in_use": "on"}
    return data | overrides


def test_admin_adds_and_changes_a_template_keeping_every_version(world, client):
    verified_login(client, world.admin)
    assert client.get(reverse("letters:templates")).status_code == 200
    response = client.post(reverse("letters:template_new"), _template_post())
    assert response.status_code == 302
    template = LetterTemplate.objects.get(name="Closure (short)")
    assert [v.number for v in template.versions.all()] == [1]

    url = reverse("letters:template_edit", args=[template.pk])
    page = text(client.get(url))
    assert "{{ closure_outcome }}" in page and "Version 1" in page  # the guide, the history
    new_body = BODY + "\n\nWhy it ended: {{ closure_outcome }}."
    assert client.post(url, _template_post(body=new_body, seen_version=1)).status_code == 302
    assert client.post(url, _template_post(body=new_body, name="Closure letter (short)",
                                           seen_version=2)).status_code == 302
    template.refresh_from_db()
    assert template.name == "Closure letter (short)"
    versions = list(template.versions.order_by("number"))
    assert [(v.number, v.body) for v in versions] == [(1, BODY), (2, new_body)]  # name: none
    assert versions[1].saved_by == world.admin
    assert AuditEvent.objects.filter(object_id=str(template.pk), action="change").count() == 2

    stale = client.post(url, _template_post(body="Dear {{ family_name }}", seen_version=1))
    assert stale.status_code == 400 and "changed by someone else" in text(stale)
    assert template.versions.count() == 2


def test_unknown_placeholder_is_a_govuk_error_naming_it(world, client):
    verified_login(client, world.admin)
    response = client.post(reverse("letters:template_new"),
                           _template_post(body="Dear {{ family_name }}, {{ famly_name }}"))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "a placeholder that does not exist: {{ famly_name }}" in page
    assert not LetterTemplate.objects.filter(name="Closure (short)").exists()
    response = client.post(reverse("letters:template_new"), _template_post(body="", name=""))
    assert "Enter the text of the letter" in text(response)
    assert "Enter a name for the template" in text(response)


def test_template_pages_are_for_administrators_only(world, client):
    template = _closure()
    urls = [reverse("letters:templates"), reverse("letters:template_new"),
            reverse("letters:template_edit", args=[template.pk])]
    for user in (world.worker, world.manager, world.front_door, world.partner, world.analyst):
        verified_login(client, user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
            assert client.post(url, _template_post(seen_version=1)).status_code == 403
    assert template.versions.count() == 1 and LetterTemplate.objects.count() == 3


def _letter_urls(kind, record_id, template):
    return [reverse("letters:choose", args=[kind, record_id]),
            reverse("letters:preview", args=[kind, record_id, template.pk])]


def test_worker_creates_a_closure_letter_kept_as_a_scanned_document(world, episode, client,
                                                                   scanner):
    episode_close(episode=episode, outcome="disengaged", end_date=days_ago(1),
                  acting_user=world.worker)
    episode.refresh_from_db()
    template = _closure()
    verified_login(client, world.worker)
    choose, preview = _letter_urls("episode", episode.pk, template)
    assert template.name in text(client.get(choose))
    page = text(client.get(preview))
    assert f"Dear {world.family.name}," in page
    assert "Why it ended: Consent withdrawn or family disengaged." in page
    assert "[not recorded" not in page
    version = template.versions.get()
    response = client.post(preview, {"template_version": version.pk})
    assert response.status_code == 302, text(response)

    letter = Letter.objects.get()
    document = letter.document
    assert (letter.template_version, letter.episode, letter.family) == (
        version, episode, world.family)
    assert (document.episode, document.content_type, document.scan_result) == (
        episode, "application/pdf", "clean")
    assert document.original_name.endswith(".pdf") and document.created_by == world.worker
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(object_id=str(letter.pk), action="create",
                                     family_id=world.family.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(document.pk), action="export").exists()

    # The administrator changes the template: the letter still names the version it used.
    services.save_template(user=world.admin, template=template, name=template.name,
                           kind="closure", body=version.body + "\n\nP.S.")
    letter.refresh_from_db()
    assert letter.template_version.number == 1 and template.versions.count() == 2
    stale = client.post(preview, {"template_version": version.pk})
    assert stale.status_code == 400 and "was changed since you previewed it" in text(stale)
    assert Letter.objects.count() == 1


def test_missing_data_shows_as_a_blank_marker(world, episode, client):
    verified_login(client, world.worker)
    page = text(client.get(reverse("letters:preview",
                                   args=["episode", episode.pk, _closure().pk])))
    assert "ended on [not recorded: date the early help ended]" in page
    assert "Why it ended: [not recorded: closure outcome]." in page
    assert "Some details are not recorded" in page


def test_feedback_letter_from_a_request_and_consent_form_from_a_person(world, episode, client,
                                                                      scanner):
    contact = episode.contact
    verified_login(client, world.front_door)
    feedback = LetterTemplate.objects.get(kind="feedback")
    preview = reverse("letters:preview", args=["contact", contact.pk, feedback.pk])
    page = text(client.get(preview))
    assert "Dear Jo Lead," in page and world.school.name in page
    assert f"Your request for support: {contact.reference}" in page
    assert "Our decision: Early help." in page
    assert client.post(preview, {"template_version": feedback.versions.get().pk}
                       ).status_code == 302
    person = world.family.memberships.order_by("person__given_name").first().person
    consent = LetterTemplate.objects.get(kind="consent")
    preview = reverse("letters:preview", args=["person", person.pk, consent.pk])
    page = text(client.get(preview))
    assert f"Dear {person.full_name}," in page and world.worker.display_name in page
    assert client.post(preview, {"template_version": consent.versions.get().pk}
                       ).status_code == 302
    letters = {letter.subject: letter for letter in Letter.objects.all()}
    assert letters["contact"].contact == contact and letters["person"].person == person
    assert all(letter.document.episode is None for letter in letters.values())
    assert Document.objects.filter(family=world.family).count() == 2
    # A template only fits its own kind of record.
    wrong = reverse("letters:preview", args=["person", person.pk, feedback.pk])
    assert client.get(wrong).status_code == 404


def test_out_of_scope_users_get_404_on_every_letter_page(world, episode, client, scanner):
    person = world.family.memberships.first().person
    doors = [("episode", episode.pk, _closure()),
             ("contact", episode.contact_id, LetterTemplate.objects.get(kind="feedback")),
             ("person", person.pk, LetterTemplate.objects.get(kind="consent"))]
    for user in (world.other_worker, world.analyst, world.admin, world.partner):
        if user == world.partner:
            # A partner who raised the request sees it; one who did not, does not.
            episode.contact.referrer_user = None
            episode.contact.save(update_fields=["referrer_user"])
        verified_login(client, user)
        for kind, record_id, template in doors:
            for url in _letter_urls(kind, record_id, template):
                assert client.get(url).status_code == 404, (user.role, url)
                assert client.post(url, {"template_version": 1}).status_code == 404
    assert not Letter.objects.exists() and not Document.objects.exists()


def test_in_scope_users_who_may_not_create_get_403(world, episode, client, scanner):
    journey.partner_joins_taf(world, episode)  # sees the family, is not its lead
    episode_page = reverse("web:episode_detail", args=[episode.pk])
    verified_login(client, world.worker)
    assert "Create a letter" in text(client.get(episode_page))
    verified_login(client, world.partner)
    assert "Create a letter" not in text(client.get(episode_page))
    template = _closure()
    for url in _letter_urls("episode", episode.pk, template):
        assert client.get(url).status_code == 403
        assert client.post(url, {"template_version": template.versions.get().pk}
                           ).status_code == 403
    assert not Letter.objects.exists() and not Document.objects.exists()
