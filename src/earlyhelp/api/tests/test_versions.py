"""Every API edit carries the version it read (issue 11, item 5): the `version` field or
If-Match with the ETag detail responses send. Missing is a 428, stale a 409 – never a blind
write. 20 concurrent PATCHes on PostgreSQL: one wins, nineteen are refused."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from earlyhelp.assessments.models import Assessment
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def started(world):
    episode = open_episode(world)
    api = client_for(world.worker)
    response = api.post(
        "/api/assessments/",
        {"episode": str(episode.pk), "started_on": days_ago(5).isoformat(),
         "completing_organisation": str(world.council.pk)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return episode, Assessment.objects.get(pk=response.json()["id"]), api


def test_detail_gets_send_an_etag_of_the_version(world, started):
    episode, assessment, api = started
    response = api.get(f"/api/assessments/{assessment.pk}/")
    assert response["ETag"] == f'"{assessment.version}"'
    assert api.get(f"/api/episodes/{episode.pk}/")["ETag"] == f'"{episode.version}"'
    person = episode.family.memberships.first().person
    assert api.get(f"/api/people/{person.pk}/")["ETag"] == f'"{person.version}"'


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("patch", "/api/assessments/{a}/", {"summary": "Blind write"}),
        ("post", "/api/assessments/{a}/complete/", {"completed_on": days_ago(1).isoformat()}),
        ("post", "/api/episodes/{e}/close/", {"outcome": "moved_away", "end_date": days_ago(1).isoformat()}),
        ("post", "/api/episodes/{e}/step-up/", {"on": days_ago(1).isoformat(), "reason": "Harm"}),
        ("post", "/api/episodes/{e}/allocate/", {"lead_practitioner": "{w}"}),
        ("patch", "/api/people/{p}/", {"known_as": "Blind"}),
    ],
)
def test_an_edit_without_a_version_is_a_428_and_changes_nothing(world, started, method, path,
                                                                  body):
    episode, assessment, _api = started
    api = client_for(world.manager if "allocate" in path else world.worker)
    person = episode.family.memberships.first().person
    ids = {"a": assessment.pk, "e": episode.pk, "p": person.pk, "w": world.worker.pk}
    body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in body.items()}
    before = (assessment.version, episode.version, person.version)
    response = getattr(api, method)(path.format(**ids), body, format="json")
    assert response.status_code == 428, response.content[:300]
    data = response.json()
    assert data["status"] == 428 and data["code"] == "version_required"
    assessment.refresh_from_db()
    episode.refresh_from_db()
    person.refresh_from_db()
    assert (assessment.version, episode.version, person.version) == before


def test_if_match_carries_the_version_and_a_stale_one_is_a_409(world, started):
    _episode, assessment, api = started
    url = f"/api/assessments/{assessment.pk}/"
    etag = api.get(url)["ETag"]
    saved = api.patch(url, {"summary": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200, saved.json()
    assert saved["ETag"] == f'"{assessment.version + 1}"'
    stale = api.patch(url, {"summary": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409 and stale.json()["code"] == "stale_edit"
    bad = api.patch(url, {"summary": "Third"}, format="json", HTTP_IF_MATCH="nonsense")
    assert bad.status_code == 400 and "If-Match" in bad.json()["errors"]
    clash = api.patch(url, {"summary": "Fourth", "version": 1}, format="json",
                      HTTP_IF_MATCH=saved["ETag"])
    assert clash.status_code == 400 and "version" in clash.json()["errors"]
    assert Assessment.objects.get(pk=assessment.pk).summary == "First"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks under concurrent writers: PostgreSQL (make test-postgres)")
def test_twenty_concurrent_patches_one_wins_nineteen_are_refused():
    from earlyhelp.testing.world import build_world

    world = build_world()
    episode = open_episode(world)
    api = client_for(world.worker)
    created = api.post(
        "/api/assessments/",
        {"episode": str(episode.pk), "started_on": days_ago(5).isoformat(),
         "completing_organisation": str(world.council.pk)},
        format="json",
    )
    assessment_id = created.json()["id"]
    version = created.json()["version"]
    def fire(body_version):
        barrier = threading.Barrier(20)
        statuses = []

        def patch(n):
            try:
                client = client_for(world.worker)
                body = {"summary": f"Writer {n}"}
                if body_version is not None:
                    body["version"] = body_version
                barrier.wait()
                response = client.patch(f"/api/assessments/{assessment_id}/", body,
                                        format="json")
                statuses.append(response.status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=patch, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(statuses)

    # Without a version: nobody writes blind (the probe saw 20 x 200, 19 overwritten).
    assert fire(None) == [428] * 20
    assert Assessment.objects.get(pk=assessment_id).version == version
    # All from the same version: one wins, nineteen are told someone else changed it.
    assert fire(version) == [200] + [409] * 19
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.version == version + 1 and assessment.summary.startswith("Writer ")
