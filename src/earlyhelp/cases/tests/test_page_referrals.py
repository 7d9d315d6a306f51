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


def test_a_referral_is_shown_only_where_its_family_was_checked(world, client):
    """The episode page reads its referrals without the visible-families subquery (the episode
    is in scope only through its family): who cannot see the family still sees none of them."""
    from earlyhelp.directory.models import Referral
    from earlyhelp.people.tests.factories import FamilyFactory

    episode = allocated_episode(world)
    # The other team provides the service: its worker may see the referral itself, not the family
    service = ServiceFactory(name="Parenting Together", provider_team=world.other_team)
    referral = directory.referral_send(episode=episode, service=service,
                                       reason="Parenting support", acting_user=world.worker)
    link = reverse("directory:referral", args=[referral.pk])
    verified_login(client, world.other_worker)
    response = client.get(reverse("web:episode_detail", args=[episode.pk]))
    assert response.status_code == 404 and link not in response.content.decode()
    assert client.get(link).status_code == 200  # the provider's own view of it

    # A referral row naming another family (services never write one) is not shown under this
    # episode, even to the episode's own lead: only the family the episode was checked through.
    verified_login(client, world.worker)
    Referral.objects.filter(pk=referral.pk).update(family=FamilyFactory())
    page = text(client.get(reverse("web:episode_detail", args=[episode.pk])))
    assert link not in page and "No referrals to services yet." in page
    Referral.objects.filter(pk=referral.pk).update(family=episode.family)
    assert link in text(client.get(reverse("web:episode_detail", args=[episode.pk])))
