from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Family, Person


def text(response) -> str:
    return unescape(response.content.decode())


pytestmark = pytest.mark.django_db


def _search(client, **params):
    return client.get(reverse("web:request_start"), params)


def test_search_needs_identifying_detail(world, client):
    verified_login(client, world.partner)
    response = _search(client, name="Alex", postcode="EN5")
    assert "Enter an NHS number, a unique pupil number, or a name and date of birth" in (
        text(response)
    )


def test_found_person_can_be_added_but_not_an_arbitrary_id(world, client):
    child = world.child
    stranger = Person.objects.create(given_name="Not", family_name="Found")
    verified_login(client, world.partner)
    dob = child.date_of_birth
    response = _search(
        client,
        name=child.full_name,
        date_of_birth_day=dob.day,
        date_of_birth_month=dob.month,
        date_of_birth_year=dob.year,
    )
    assert "1 person found" in text(response)
    # The page names the match by a token: neither the person's nor the household's id.
    html = response.content.decode()
    assert str(child.pk) not in html and str(world.family.pk) not in html
    client.post(reverse("web:request_add_person"), {"match": str(stranger.pk)})
    client.post(reverse("web:request_add_person"), {"match": str(child.pk)})
    assert client.session["request_draft"]["people"] == []
    key = client.session["request_draft"]["last_matches"][0]["key"]
    client.post(reverse("web:request_add_person"), {"match": key})
    draft = client.session["request_draft"]
    assert [p["id"] for p in draft["people"]] == [str(child.pk)]
    assert draft["family_id"] == str(world.family.pk)


def test_new_person_form_validates_identifiers(world, client):
    verified_login(client, world.partner)
    response = client.post(
        reverse("web:request_new_person"),
        {
            "given_name": "Bea",
            "family_name": "Taylor",
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2020",
            "sex": "F",
            "nhs_number": "1234567890",
            "role": "child",
            "is_subject": "yes",
        },
    )
    assert "Enter a valid NHS number" in text(response)
    assert (
        "request_draft" not in client.session or not client.session["request_draft"]["new_people"]
    )


def _complete_draft(client, world, *, nhs="9434765919"):
    client.post(
        reverse("web:request_new_person"),
        {
            "given_name": "Bea",
            "family_name": "Rowe",
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2020",
            "sex": "F",
            "nhs_number": nhs,
            "role": "child",
            "is_subject": "yes",
        },
    )
    client.post(
        reverse("web:request_household"),
        {
            "name": "Rowe household",
            "address_line_1": "2 Park Road",
            "postcode": "en51aa",
        },
    )
    return client.post(
        reverse("web:request_details"),
        {
            "referrer_name": "Jo Lead",
            "source": "2A",
            "concerns": "Worried about Bea.",
            "family_consents_to_request": "yes",
            "family_consents_to_share": "yes",
        },
    )


def test_a_new_family_is_saved_only_when_the_request_is_sent(world, client):
    verified_login(client, world.partner)
    response = _complete_draft(client, world)
    assert response.url == reverse("web:request_check")
    families = Family.objects.count()
    assert not Contact.objects.exists()
    page = text(client.get(reverse("web:request_check")))
    assert "1 February 2020" in page and "EN5 1AA" in page
    response = client.post(reverse("web:request_check"))
    contact = Contact.objects.get()
    assert response.url == reverse("web:request_sent", args=[contact.pk])
    assert Family.objects.count() == families + 1
    assert contact.family.name == "Rowe household"
    assert contact.referrer_user == world.partner
    assert client.get(response.url).status_code == 200
    assert "request_draft" not in client.session


def test_a_refused_request_saves_nothing(world, client):
    """A failure at the last step rolls back the people and household created before it."""
    verified_login(client, world.partner)
    _complete_draft(client, world)
    session = client.session
    session["request_draft"]["details"]["source"] = "XX"  # not a CIN code: the model refuses it
    session.save()
    people, families = Person.objects.count(), Family.objects.count()
    response = client.post(reverse("web:request_check"))
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response)
    assert (Person.objects.count(), Family.objects.count()) == (people, families)
    assert not Contact.objects.exists()


def test_postcode_must_be_real(world, client):
    verified_login(client, world.partner)
    client.post(
        reverse("web:request_new_person"),
        {
            "given_name": "Bea",
            "family_name": "Rowe",
            "date_of_birth_day": "1",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2020",
            "sex": "F",
            "role": "child",
            "is_subject": "yes",
        },
    )
    response = client.post(
        reverse("web:request_household"),
        {
            "name": "Rowe household",
            "address_line_1": "2 Park Road",
            "postcode": "nowhere",
        },
    )
    assert "Enter a real postcode" in text(response)


def test_analysts_cannot_raise_requests(world, client):
    verified_login(client, world.analyst)
    assert client.get(reverse("web:request_start")).status_code == 403
