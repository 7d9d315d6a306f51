"""Staff pages: suggested services, the refer form, the provider's inbox and status updates."""


from django.urls import reverse

from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.services import consent_record

from .. import services
from ..models import Referral


def test_suggestions_page_ranks_services(client, world, episode, service):
    verified_login(client, world.worker)
    response = client.get(reverse("directory:suggest", args=[episode.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Family support" in body and "2 of 2" in body
    assert reverse("directory:refer", args=[episode.pk, service.pk]) in body
    verified_login(client, world.other_worker)
    assert client.get(reverse("directory:suggest", args=[episode.pk])).status_code == 404


def test_refer_form_sends_a_referral(client, world, episode, service):
    verified_login(client, world.worker)
    url = reverse("directory:refer", args=[episode.pk, service.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"person": str(world.child.pk), "reason": "Routines", "themes": [str(world.themes[0].pk)]},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:referral", args=[referral.pk])
    assert referral.person == world.child


def test_refer_form_errors_and_consent_refusal(client, world, episode, service):
    verified_login(client, world.worker)
    url = reverse("directory:refer", args=[episode.pk, service.pk])
    body = client.post(url, {"person": "", "reason": ""}).content.decode()
    assert "There is a problem" in body
    assert "Select who is being referred" in body
    assert "Enter what the family needs from the service" in body
    consent_record(
        person=world.child,
        kind="share",
        status="withdrawn",
        decided_on=dates.today(),
        acting_user=world.worker,
    )
    body = client.post(url, {"person": str(world.child.pk), "reason": "Help"}).content.decode()
    assert "without consent to share" in body
    assert not Referral.objects.exists()


def test_provider_inbox_and_status_updates(client, world, episode, service, provider):
    referral = services.referral_send(
        episode=episode,
        service=service,
        person=world.child,
        reason="Routines",
        acting_user=world.worker,
    )
    verified_login(client, provider)
    inbox = client.get(reverse("directory:inbox")).content.decode()
    assert referral.reference in inbox and world.child.full_name in inbox
    page = client.get(reverse("directory:referral", args=[referral.pk])).content.decode()
    assert "Accept the referral" in page and "Withdraw the referral" not in page
    move = reverse("directory:referral_move", args=[referral.pk, "decline"])
    bad = client.post(move, {"decline-reason": ""})
    assert bad.status_code == 400
    assert "Select why the referral is declined" in bad.content.decode()
    ok = client.post(move, {"decline-reason": "no_capacity", "decline-note": "Full"})
    assert ok.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined"
    again = client.post(move, {"decline-reason": "no_capacity"})
    assert again.status_code == 400
    assert "Only a referral waiting for a response can be declined." in again.content.decode()


def test_the_referrer_withdraws_from_the_page(client, world, episode, service):
    referral = services.referral_send(
        episode=episode,
        service=service,
        person=world.child,
        reason="Routines",
        acting_user=world.worker,
    )
    verified_login(client, world.worker)
    page = client.get(reverse("directory:referral", args=[referral.pk])).content.decode()
    assert "Withdraw the referral" in page and "Accept the referral" not in page
    client.post(
        reverse("directory:referral_move", args=[referral.pk, "withdraw"]),
        {"withdraw-reason": "Family moved"},
    )
    referral.refresh_from_db()
    assert referral.status == "withdrawn"


def test_import_page_lists_problems(client, world, service):
    from django.core.files.uploadedfile import SimpleUploadedFile

    verified_login(client, world.admin)
    upload = SimpleUploadedFile("d.json", b'[{"id": "x", "name": ""}]', "application/json")
    body = client.post(reverse("directory:import"), {"file": upload}).content.decode()
    assert "Nothing was imported" in body and "name is required" in body
    upload = SimpleUploadedFile("d.json", b"{not json", "application/json")
    body = client.post(reverse("directory:import"), {"file": upload}).content.decode()
    assert "The file is not valid JSON" in body
    verified_login(client, world.worker)
    assert client.get(reverse("directory:import")).status_code == 403
