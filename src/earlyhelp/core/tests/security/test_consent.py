"""Consent: partners see a family only while consent to share stands (or a safeguarding
override is recorded); withdrawal removes access from that moment; history is never rewritten."""


from rest_framework.test import APIClient

from earlyhelp.core import dates
from earlyhelp.core.models import AuditEvent
from earlyhelp.people.models import Consent, SharingOverride
from earlyhelp.testing.journey import open_episode, partner_joins_taf


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_withdrawing_consent_removes_partner_access_at_once_and_the_record_shows_it(world):
    episode = open_episode(world)
    partner_joins_taf(world, episode)
    partner, worker = api(world.partner), api(world.worker)
    urls = [
        f"/api/families/{world.family.pk}/",
        f"/api/episodes/{episode.pk}/",
        f"/api/people/{world.child.pk}/",
    ]
    assert all(partner.get(url).status_code == 200 for url in urls)
    before = Consent.objects.filter(person=world.parent).count()

    response = worker.post(
        f"/api/people/{world.parent.pk}/consents/",
        {
            "kind": "share",
            "status": "withdrawn",
            "decided_on": str(dates.today()),
            "given_by": "Mum, by phone",
        },
        format="json",
    )
    assert response.status_code == 201

    assert all(partner.get(url).status_code == 404 for url in urls)
    assert str(world.family.pk) not in partner.get("/api/families/").content.decode()
    assert all(worker.get(url).status_code == 200 for url in urls)  # staff keep access
    history = worker.get(f"/api/people/{world.parent.pk}/consents/").json()["results"]
    assert [c["status"] for c in history if c["kind"] == "share"] == ["given", "withdrawn"]
    assert Consent.objects.filter(person=world.parent).count() == before + 1
    assert AuditEvent.objects.filter(
        action="change", person_id=world.parent.pk, changes__status="withdrawn"
    ).exists()


def test_a_safeguarding_override_restores_access_with_who_why_and_when(world):
    from earlyhelp.people.services import consent_record, sharing_override_record

    episode = open_episode(world)
    partner_joins_taf(world, episode)
    consent_record(
        person=world.parent,
        kind="share",
        status="withdrawn",
        decided_on=dates.today(),
        acting_user=world.worker,
    )
    assert api(world.partner).get(f"/api/episodes/{episode.pk}/").status_code == 404
    sharing_override_record(
        family=world.family, reason="Child protection concern: injury", acting_user=world.manager
    )
    assert api(world.partner).get(f"/api/episodes/{episode.pk}/").status_code == 200
    override = SharingOverride.objects.get(family=world.family)
    assert override.recorded_by == world.manager and override.recorded_at is not None
    assert AuditEvent.objects.filter(
        action="share", family_id=world.family.pk, reason="Child protection concern: injury"
    ).exists()


def test_consent_history_cannot_be_rewritten_through_the_api(world):
    open_episode(world)
    consent = Consent.objects.filter(person=world.parent).first()
    worker = api(world.worker)
    base = f"/api/people/{world.parent.pk}/consents/"
    assert worker.put(base, {}, format="json").status_code == 405
    assert worker.delete(base).status_code == 405
    assert (
        worker.patch(f"{base}{consent.pk}/", {"status": "refused"}, format="json").status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.status == "given"
