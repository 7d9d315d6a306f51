"""The results pages: who sees what (scope in the query, 404 outside it), the GOV.UK error
summary on bad input with nothing saved, and the plan's evidence on the family's page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.models import Family
from earlyhelp.results import services
from earlyhelp.results.models import Framework, Measure, ProgrammeFamily

from .test_outcomes import linked_records

D = dt.date


def client_for(user):
    return verified_login(Client(), user)


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="sf-2022-25")


def test_an_analyst_adds_a_family_and_a_need(world, framework):
    client = client_for(world.analyst)
    url = reverse("results:framework", args=[framework.code])
    response = client.post(url, {"family": str(world.family.pk), "attached_on_day": "1",
                                 "attached_on_month": "1", "attached_on_year": "2025",
                                 "household_key": "H1"})
    attachment = ProgrammeFamily.objects.get(family=world.family)
    assert response.status_code == 302 and response["Location"].endswith(f"{attachment.pk}/")
    measure = Measure.objects.get(outcome__framework=framework, code="no-incident")
    response = client.post(reverse("results:family", args=[attachment.pk]), {
        "measure": str(measure.pk), "identified_on_day": "1", "identified_on_month": "1",
        "identified_on_year": "2025"})
    assert response.status_code == 302
    services.check_outcomes(user=world.analyst, attachments=[attachment], con=linked_records(),
                            reference=D(2025, 8, 15))
    html = client.get(reverse("results:family", args=[attachment.pk])).content.decode()
    assert "Safe from domestic abuse" in html and "Not met" in html
    assert "16 August 2025" in html  # the sustainment period's end
    assert "Police / MARAC" in html and "2025-02-15" in html


def test_bad_input_shows_the_error_summary_and_saves_nothing(world, framework):
    client = client_for(world.analyst)
    url = reverse("results:framework", args=[framework.code])
    response = client.post(url, {"family": "not-a-reference", "attached_on_day": "31",
                                 "attached_on_month": "2", "attached_on_year": "2025"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Enter the reference of a family you can see" in html
    response = client.post(url, {"family": str(world.family.pk)})
    assert response.status_code == 400 and "Enter the date the family joined" in response.content.decode()
    assert not ProgrammeFamily.objects.exists()
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=world.family, attached_on=D(2025, 1, 1))
    response = client.post(url, {"family": str(world.family.pk), "attached_on_day": "2",
                                 "attached_on_month": "1", "attached_on_year": "2025"})
    assert response.status_code == 400 and "is already on" in response.content.decode()
    response = client.post(reverse("results:family", args=[attachment.pk]), {})
    assert response.status_code == 400 and "Select the need" in response.content.decode()
    assert ProgrammeFamily.objects.count() == 1 and not attachment.needs.exists()


@pytest.mark.parametrize("role", ["worker", "partner", "front_door", "admin"])
def test_other_roles_get_not_found(world, framework, role):
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=world.family, attached_on=D(2025, 1, 1))
    client = client_for(getattr(world, role))
    for url in (reverse("results:index"), reverse("results:framework", args=[framework.code]),
                reverse("results:family", args=[attachment.pk])):
        assert client.get(url).status_code == 404, url


def test_a_manager_sees_only_families_in_their_scope(world, framework):
    outside = Family.objects.create(name="Nobody's household")
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=outside, attached_on=D(2025, 1, 1))
    client = client_for(world.manager)
    assert client.get(reverse("results:family", args=[attachment.pk])).status_code == 404
    html = client.get(reverse("results:framework", args=[framework.code])).content.decode()
    assert "Nobody&#x27;s household" not in html and "Nobody's household" not in html
    # ... and cannot put that family on a programme either.
    response = client.post(reverse("results:framework", args=[framework.code]), {
        "family": str(outside.pk), "attached_on_day": "1", "attached_on_month": "1",
        "attached_on_year": "2025"})
    assert response.status_code == 400
    assert ProgrammeFamily.objects.count() == 1
