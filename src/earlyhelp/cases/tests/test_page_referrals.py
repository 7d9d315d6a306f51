"""The episode page shows its referrals to services, with status, and the way to the service
suggestions (issue 14: "no way from the episode to the services")."""

import pytest
from django.urls import reverse

from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.directory import services as directory
from earlyhelp.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_episode_lists_its_referrals_and_links_to_the_services(world, client):
    episode = allocated_episode(world)
    service = ServiceFactory(name="Parenting Together")
    referral = directory.referral_send(episode=episode, service=service,
                                       reason="Parenting support", acting_user=world.worker)
    verified_login(client, world.worker)
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert "Services and referrals" in page
    assert reverse("directory:referral", args=[referral.pk]) in page
    assert "Parenting Together" in page and "Sent" in page
    assert reverse("directory:suggest", args=[episode.pk]) in page


def test_no_referrals_says_so_and_those_who_may_not_refer_get_no_link(world, client):
    episode = allocated_episode(world)
    verified_login(client, world.front_door)  # sees the episode through the request it triaged
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert "No referrals to services yet." in page
    assert reverse("directory:suggest", args=[episode.pk]) not in page
