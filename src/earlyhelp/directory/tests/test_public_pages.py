"""The public directory: no sign-in, search by need, age and area – and never personal data."""

import pytest
from django.urls import reverse

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import LocalityFactory
from earlyhelp.people.models import Family, Person

from .. import services
from ..models import ServiceContact
from .factories import ServiceFactory


@pytest.fixture
def directory(world, episode, service, provider):
    """A directory with referrals, contacts and families all around it."""
    north = LocalityFactory(name="Northside", code="N")
    world.family.postcode = "EN4 9ZZ"
    world.family.save()
    ServiceFactory(
        name="Northside youth club",
        themes=[world.themes[1]],
        minimum_age=11,
        maximum_age=19,
        borough_wide=False,
        localities=[north],
    )
    ServiceFactory(name="Closed service", status="defunct", themes=world.themes)
    ServiceContact.objects.create(
        service=service, name="Priya Coordinator", title="Manager", phone="020 0000 0000"
    )
    referral = services.referral_send(
        episode=episode,
        service=service,
        person=world.child,
        acting_user=world.worker,
        reason="Confidential: dad's drinking at weekends frightens the children.",
    )
    services.referral_decline(
        referral=referral, acting_user=provider, reason="other", note="Secret decline note"
    )
    return {"north": north, "referral": referral}


def personal_data(world, directory):
    """Every string that would identify a family, a person or a worker."""
    strings = {
        "EN4 9ZZ",
        "Confidential",
        "drinking",
        "Secret decline note",
        "Priya",
        directory["referral"].reference,
        world.worker.email,
        world.worker.first_name,
    }
    for family in Family.objects.all():
        strings |= {family.name, family.address_line_1}
    for person in Person.objects.all():
        strings |= {person.given_name, person.full_name, str(person.pk)}
        if person.date_of_birth:
            strings.add(person.date_of_birth.isoformat())
    return {s for s in strings if s}


def assert_no_personal_data(body: str, world, directory):
    leaked = sorted(s for s in personal_data(world, directory) if s in body)
    assert leaked == []


def test_anyone_can_search_without_signing_in(client, world, directory):
    response = client.get(reverse("directory:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Find support services for families" in body
    assert "Family support" in body and "Northside youth club" in body
    assert "Closed service" not in body
    assert_no_personal_data(body, world, directory)


def test_search_by_need_age_and_area(client, world, directory):
    url = reverse("directory:index")
    mental_health = world.themes[1].code
    body = client.get(url, {"need": mental_health, "age": "15", "area": "N"}).content.decode()
    assert "Northside youth club" in body and "Family support" in body
    body = client.get(url, {"need": mental_health, "age": "5"}).content.decode()
    assert "Northside youth club" not in body
    body = client.get(url, {"q": "youth"}).content.decode()
    assert "2 services found" not in body and "1 service found" in body


def test_bad_search_input_gets_a_clear_answer(client, world, directory):
    response = client.get(reverse("directory:index"), {"age": "seven"})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Age must be a whole number, like 7" in body
    assert 'href="#id_age"' in body


def test_service_page_is_public_and_holds_no_personal_data(client, world, directory, service):
    response = client.get(reverse("directory:service", args=[service.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert service.name in body
    assert_no_personal_data(body, world, directory)


def test_inactive_and_unknown_services_are_not_found(client, directory):
    from ..models import Service

    closed = Service.objects.get(name="Closed service")
    assert client.get(reverse("directory:service", args=[closed.pk])).status_code == 404
    assert client.get("/directory/services/not-a-uuid/").status_code == 404


def test_open_referral_feed_is_public_and_holds_no_personal_data(client, world, directory, service):
    feed = client.get(reverse("directory:oruk_services"))
    assert feed.status_code == 200
    names = [s["name"] for s in feed.json()["content"]]
    assert "Closed service" not in names and "Family support" in names
    one = client.get(reverse("directory:oruk_service", args=[service.pk]))
    assert one.json()["id"] == str(service.pk)
    for response in (feed, one):
        body = response.content.decode()
        assert_no_personal_data(body, world, directory)
    # Staff contacts keep their job title and phone, not their names.
    assert one.json()["contacts"][0]["title"] == "Manager"


def test_public_pages_write_no_audit_rows(client, directory):
    before = AuditEvent.objects.count()
    client.get(reverse("directory:index"))
    client.get(reverse("directory:oruk_services"))
    assert AuditEvent.objects.count() == before


def test_signed_in_staff_see_the_same_public_page(client, world, directory):
    verified_login(client, world.worker)
    body = client.get(reverse("directory:index")).content.decode()
    assert_no_personal_data(body.replace(world.worker.display_name, ""), world, directory)
