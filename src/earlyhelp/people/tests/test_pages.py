"""Families' pages: consent recorded on the family record."""


import pytest
from django.urls import reverse

from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def test_consent_on_the_family_page(world, episode, client):
    verified_login(client, world.worker)
    url = reverse("web:consent_add", args=[episode.family_id, world.child.pk])
    response = client.post(url, {"kind": "share", "status": "withdrawn"})
    assert "Enter the date of the decision" in text(response)
    client.post(
        url, {"kind": "share", "status": "withdrawn", **_date("decided_on", dates.today())}
    )
    page = text(client.get(reverse("web:family_detail", args=[episode.family_id])))
    assert "Withdrawn" in page
