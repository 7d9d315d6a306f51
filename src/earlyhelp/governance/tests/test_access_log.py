"""A manager can see who has looked at a family's record; nobody else can."""

import uuid

import pytest
from rest_framework.test import APIClient

from earlyhelp.core.models import AuditEvent
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.testing.journey import open_episode


def client(user):
    return verified_login(APIClient(), user)


def test_a_manager_sees_who_viewed_the_family_and_their_members(world):
    episode = open_episode(world)
    worker = client(world.worker)
    assert worker.get(f"/api/families/{world.family.pk}/").status_code == 200
    assert worker.get(f"/api/people/{world.child.pk}/").status_code == 200
    assert worker.get(f"/api/episodes/{episode.pk}/").status_code == 200

    response = client(world.manager).get(f"/api/families/{world.family.pk}/access-log/")
    assert response.status_code == 200
    rows = response.json()["results"]
    views = [(r["username"], r["action"], r["object_type"]) for r in rows if r["action"] == "view"]
    assert ("worker", "view", "people.family") in views
    assert ("worker", "view", "people.person") in views
    assert ("worker", "view", "cases.episode") in views
    assert rows[0]["at"] >= rows[-1]["at"]  # newest first
    worker_row = next(r for r in rows if r["username"] == "worker")
    assert worker_row["role"] == "Early help worker"
    # Reading the log is itself audited.
    assert AuditEvent.objects.filter(user=world.manager, detail="access log").exists()


def test_only_managers_may_read_it_and_out_of_scope_is_404(world):
    open_episode(world)
    url = f"/api/families/{world.family.pk}/access-log/"
    assert client(world.worker).get(url).status_code == 403  # sees the family, not the log
    assert client(world.other_worker).get(url).status_code == 404
    assert client(world.analyst).get(url).status_code == 404
    other_family = family_with_members()
    assert (
        client(world.manager).get(f"/api/families/{other_family.pk}/access-log/").status_code == 404
    )
    assert client(world.manager).get(f"/api/families/{uuid.uuid4()}/access-log/").status_code == 404
    assert client(world.manager).get("/api/families/not-a-uuid/access-log/").status_code == 404


@pytest.mark.django_db
def test_an_anonymous_caller_is_refused():
    assert APIClient().get(f"/api/families/{uuid.uuid4()}/access-log/").status_code == 403


def test_the_access_log_page_lists_viewers_for_a_manager(world):
    from django.test import Client

    open_episode(world)
    client(world.worker).get(f"/api/families/{world.family.pk}/")
    page = verified_login(Client(), world.manager).get(
        f"/account/families/{world.family.pk}/access-log/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Who has looked at {world.family.name}" in html
    assert world.worker.display_name in html and "Viewed" in html
    refused = verified_login(Client(), world.worker).get(
        f"/account/families/{world.family.pk}/access-log/"
    )
    assert refused.status_code == 403
