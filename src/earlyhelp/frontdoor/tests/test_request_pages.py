import re
from html import unescape

import pytest
from django.urls import reverse

from earlyhelp.core import dates
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


def _answered_on(day):
    return {"consent_given_on_day": day.day, "consent_given_on_month": day.month,
            "consent_given_on_year": day.year}


ANSWERED_BY_MOTHER = {
    "consent_given_by": "other", "consent_given_by_name": "Ruth Rowe, mother",
    **_answered_on(dates.today()),
    "consent_share_with": "School, health visitor and early help",
}


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
            **ANSWERED_BY_MOTHER,
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


def _draft_with_family_of_three(client):
    """A mother (40), a 17-year-old and a 9-year-old, all new, in a new household."""
    for given, born, role, subject in (("Ruth", (1, 5, 1986), "parent_carer", "no"),
                                       ("Kai", (1, 3, 2009), "child", "yes"),
                                       ("Mo", (1, 6, 2017), "child", "yes")):
        client.post(reverse("web:request_new_person"), {
            "given_name": given, "family_name": "Rowe", "date_of_birth_day": born[0],
            "date_of_birth_month": born[1], "date_of_birth_year": born[2], "sex": "F",
            "role": role, "is_subject": subject,
        })
    client.post(reverse("web:request_household"),
                {"name": "Rowe household", "address_line_1": "2 Park Road", "postcode": "EN5 1AA"})
    return client.session["request_draft"]["new_people"]


DETAILS_YES = {"referrer_name": "Jo Lead", "source": "2A", "concerns": "Worried about Mo.",
               "family_consents_to_request": "yes", "family_consents_to_share": "yes"}


def test_an_answer_needs_who_gave_it_when_and_with_whom(world, client):
    verified_login(client, world.partner)
    _draft_with_family_of_three(client)
    page = text(client.post(reverse("web:request_details"), DETAILS_YES))
    assert "Select who answered for the family" in page
    assert "Enter the date they answered" in page
    assert "Enter who they agreed information may be shared with" in page
    page = text(client.post(reverse("web:request_details"), {
        **DETAILS_YES, "consent_given_by": "other", **_answered_on(dates.today())}))
    assert "Enter the name and relationship of the person who answered" in page
    future = dates.today() + __import__("datetime").timedelta(days=2)
    page = text(client.post(reverse("web:request_details"), {
        **ANSWERED_BY_MOTHER, **DETAILS_YES, **_answered_on(future)}))
    assert "must be today or in the past" in page
    # Not asked (a safeguarding concern): nobody answered, nothing more is asked.
    response = client.post(reverse("web:request_details"), {
        **DETAILS_YES, "family_consents_to_request": "not_asked",
        "family_consents_to_share": "not_asked"})
    assert response.status_code == 302


def test_consent_on_the_request_becomes_each_covered_persons_record(world, client):
    from earlyhelp.people.models import Consent

    verified_login(client, world.partner)
    new_people = _draft_with_family_of_three(client)
    ruth = f"n:{new_people[0]['uid']}"
    details = text(client.get(reverse("web:request_details")))
    assert "Ruth Rowe (aged" in details and "Kai Rowe (aged" in details
    assert "Mo Rowe (aged" not in details  # too young to answer
    response = client.post(reverse("web:request_details"), {
        **DETAILS_YES, "consent_given_by": ruth, "consent_parental_responsibility": "yes",
        **_answered_on(dates.today()), "consent_share_with": "School and health visitor"})
    assert response.url == reverse("web:request_check")
    check = re.sub(r"<[^>]+>", "", text(client.get(reverse("web:request_check"))))
    assert "Ruth Rowe, on" in check
    assert "Kai Rowe: not recorded – a young person aged 16 or over gives their own consent" in check
    assert "Mo Rowe: recorded" in check and "Ruth Rowe: recorded" in check
    client.post(reverse("web:request_check"))
    contact = Contact.objects.get()
    assert contact.consent_given_by == "Ruth Rowe"
    assert contact.consent_share_with == "School and health visitor"
    rows = {(c.person.given_name, c.kind, c.status, c.given_by, c.scope)
            for c in Consent.objects.filter(person__family_name="Rowe").select_related("person")}
    assert rows == {
        ("Ruth", "engage", "given", "themselves", ""),
        ("Ruth", "share", "given", "themselves", "School and health visitor"),
        ("Mo", "engage", "given", "Ruth Rowe", ""),
        ("Mo", "share", "given", "Ruth Rowe", "School and health visitor"),
    }
    assert all(c.recorded_by == world.partner and c.decided_on == dates.today()
               for c in Consent.objects.filter(person__family_name="Rowe"))


def test_a_refusal_is_recorded_as_refused_and_removing_who_answered_asks_again(world, client):
    from earlyhelp.people.models import Consent

    verified_login(client, world.partner)
    new_people = _draft_with_family_of_three(client)
    ruth = f"n:{new_people[0]['uid']}"
    client.post(reverse("web:request_details"), {
        **DETAILS_YES, "family_consents_to_share": "no", "consent_given_by": ruth,
        "consent_parental_responsibility": "yes", **_answered_on(dates.today())})
    # Ruth is taken out of the request: the answer she gave cannot stand for the others.
    client.post(reverse("web:request_remove_person"), {"key": "new-0"})
    assert client.get(reverse("web:request_check")).url == reverse("web:request_details")
    kai = f"n:{client.session['request_draft']['new_people'][0]['uid']}"
    client.post(reverse("web:request_details"), {
        **DETAILS_YES, "family_consents_to_share": "no", "consent_given_by": kai,
        "consent_parental_responsibility": "no", **_answered_on(dates.today())})
    client.post(reverse("web:request_check"))
    rows = {(c.person.given_name, c.kind, c.status) for c in Consent.objects.filter(person__family_name="Rowe").select_related("person")}
    # Kai (17) answered for himself only; Mo is not covered by a young person's answer.
    assert rows == {("Kai", "engage", "given"), ("Kai", "share", "refused")}
