"""The directory API: services, suggestions, referrals (201/400/403/404/409), import."""


from rest_framework.test import APIClient

from earlyhelp.core import dates
from earlyhelp.people.services import consent_record

from ..models import Referral, Service
from .factories import ServiceFactory


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def referral_body(world, episode, service, **overrides):
    body = {
        "episode": str(episode.pk),
        "service": str(service.pk),
        "person": str(world.child.pk),
        "reason": "Help with routines",
        "themes": [world.themes[0].code],
    }
    body.update(overrides)
    return body


def test_services_list_and_filters(world, service):
    ServiceFactory(name="Youth club", minimum_age=11, maximum_age=19, themes=[world.themes[1]])
    api = client_for(world.worker)
    names = [s["name"] for s in api.get("/api/directory/services/").json()["results"]]
    assert names == ["Family support", "Youth club"]
    found = api.get("/api/directory/services/", {"age": 5}).json()["results"]
    assert [s["name"] for s in found] == ["Family support"]
    assert found[0]["themes"] == [t.code for t in world.themes]
    bad = api.get("/api/directory/services/", {"theme": "nope", "age": "x"})
    assert bad.status_code == 400
    assert "age" in bad.json()["errors"]


def test_suggestions_for_an_episode(world, episode, service):
    api = client_for(world.worker)
    rows = api.get("/api/directory/suggestions/", {"episode": str(episode.pk)}).json()
    assert rows[0]["rank"] == 1 and rows[0]["service_name"] == "Family support"
    assert rows[0]["needs_covered"] == [t.code for t in world.themes]
    assert api.get("/api/directory/suggestions/").status_code == 400
    outsider = client_for(world.other_worker)
    assert (
        outsider.get("/api/directory/suggestions/", {"episode": str(episode.pk)}).status_code == 404
    )


def test_send_and_answer_a_referral(world, episode, service, provider):
    api = client_for(world.worker)
    created = api.post("/api/directory/referrals/", referral_body(world, episode, service))
    assert created.status_code == 201, created.json()
    referral_id = created.json()["id"]
    assert created.json()["status"] == "sent"

    provider_api = client_for(provider)
    inbox = provider_api.get("/api/directory/referrals/", {"provider": "true"}).json()
    assert [r["id"] for r in inbox["results"]] == [referral_id]
    # The provider sees the referral, never the family's record.
    assert provider_api.get(f"/api/families/{world.family.pk}/").status_code == 404
    assert provider_api.get(f"/api/episodes/{episode.pk}/").status_code == 404

    accepted = provider_api.post(f"/api/directory/referrals/{referral_id}/accept/", {})
    assert accepted.json()["status"] == "accepted"
    again = provider_api.post(f"/api/directory/referrals/{referral_id}/accept/", {})
    assert again.status_code == 409
    assert again.json()["detail"] == "Only a referral waiting for a response can be accepted."
    # The referring side cannot answer for the provider.
    assert (
        api.post(
            f"/api/directory/referrals/{referral_id}/start/",
            {"started_on": dates.today().isoformat()},
        ).status_code
        == 403
    )
    started = provider_api.post(
        f"/api/directory/referrals/{referral_id}/start/",
        {"started_on": dates.today().isoformat()},
    )
    assert started.json()["status"] == "started"
    assert Referral.objects.get().status == "started"


def test_referral_refusals(world, episode, service):
    api = client_for(world.worker)
    blank = api.post("/api/directory/referrals/", referral_body(world, episode, service, reason=""))
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    consent_record(
        person=world.child,
        kind="share",
        status="refused",
        decided_on=dates.today(),
        acting_user=world.worker,
    )
    refused = api.post("/api/directory/referrals/", referral_body(world, episode, service))
    assert refused.status_code == 409
    assert "without consent to share" in refused.json()["detail"]
    other = client_for(world.other_worker)
    hidden = other.post("/api/directory/referrals/", referral_body(world, episode, service))
    assert hidden.status_code == 400 and "episode" in hidden.json()["errors"]
    assert not Referral.objects.exists()


def test_decline_needs_a_valid_reason(world, episode, service, provider):
    api = client_for(world.worker)
    referral_id = api.post(
        "/api/directory/referrals/", referral_body(world, episode, service)
    ).json()["id"]
    bad = client_for(provider).post(
        f"/api/directory/referrals/{referral_id}/decline/", {"reason": "bored"}
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert Referral.objects.get().status == "sent"


def test_others_cannot_see_a_referral(world, episode, service):
    from earlyhelp.core.tests.factories import PartnerFactory

    referral_id = (
        client_for(world.worker)
        .post("/api/directory/referrals/", referral_body(world, episode, service))
        .json()["id"]
    )
    stranger = client_for(PartnerFactory(username="stranger"))
    assert stranger.get(f"/api/directory/referrals/{referral_id}/").status_code == 404
    assert stranger.get("/api/directory/referrals/").json()["count"] == 0


def test_import_and_export_through_the_api(world, service):
    admin = client_for(world.admin)
    exported = admin.get("/api/directory/services/openreferral/").json()
    assert exported["content"][0]["name"] == "Family support"
    exported["content"][0]["name"] = ""
    bad = admin.post("/api/directory/services/openreferral/import/", exported, format="json")
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["field"] == "name"
    exported["content"][0]["name"] = "Family support (renamed)"
    ok = admin.post("/api/directory/services/openreferral/import/", exported, format="json")
    assert ok.status_code == 200 and ok.json()["updated"] == 1
    assert Service.objects.get().name == "Family support (renamed)"
    worker = client_for(world.worker)
    assert (
        worker.post(
            "/api/directory/services/openreferral/import/", exported, format="json"
        ).status_code
        == 403
    )
