"""The hot detail reads write their JSON directly (people.api.family_body, cases.api.episode_body)
instead of through DRF serializers (issue 19). The serializers remain the schema's: these tests
hold the bytes sent equal to what the serializer, rendered the same way, would have sent."""

from types import SimpleNamespace

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from earlyhelp.api.tests.test_query_counts import serialized_episode
from earlyhelp.cases import services as cases
from earlyhelp.people import services as people
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago

NOTE = "Diagnosed with an eating disorder."


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who, sees_notes", [
    ("worker", True), ("manager", True), ("front_door", False), ("partner", False),
])
def test_family_detail_is_what_the_serializer_writes(world, who, sees_notes):
    from earlyhelp.people.api import FamilyDetailOutput
    from earlyhelp.people.selectors import family_detail

    episode = open_episode(world)
    cases.taf_member_add(episode=episode, user=world.partner, name="School nurse",
                         joined_on=days_ago(5), acting_user=world.worker)
    people.person_update(person=world.child, acting_user=world.worker, sensitive_notes=NOTE)
    user = getattr(world, who)
    response = _client(user).get(f"/api/families/{world.family.pk}/")
    assert response.status_code == 200
    family = family_detail(user=user, family_id=world.family.pk)
    serialized = FamilyDetailOutput(family, context={"request": SimpleNamespace(user=user)}).data
    assert response.content == JSONRenderer().render(serialized)
    assert len(response.json()["members"]) == family.memberships.count() > 1
    notes = {m["person"]["sensitive_notes"] for m in response.json()["members"]}
    assert (NOTE in notes) is sees_notes
    if not sees_notes:
        assert notes == {None}  # redacted, not blank
    assert response["ETag"] == f'"{family.version}"'


def test_episode_detail_without_a_lead_is_what_the_serializer_writes(world):
    """An unallocated episode (no lead: its name is null) with no lists yet; the episode with
    every list is test_query_counts.test_episode_detail_shows_what_the_prefetched_rows_would."""
    episode = open_episode(world)
    assert episode.lead_practitioner_id is None
    response = _client(world.manager).get(f"/api/episodes/{episode.pk}/")
    assert response.status_code == 200
    expected = serialized_episode(world.manager, episode.pk)
    assert response.content == JSONRenderer().render(expected)
    assert response.json()["lead_practitioner_name"] is None
    assert response["ETag"] == f'"{episode.version}"'


@pytest.mark.parametrize("path", ["families", "episodes"])
def test_detail_out_of_scope_or_malformed_is_the_same_404(world, path):
    """Refusals unchanged: a record outside the user's scope, a missing one and a malformed id
    all answer the same 404 (and the first is audited as a refusal, not as a view)."""
    from earlyhelp.core.models import AuditEvent

    episode = open_episode(world)
    record = episode.family_id if path == "families" else episode.pk
    outsider = _client(world.other_worker)  # another team: neither record is in its scope
    views = AuditEvent.objects.filter(action="view").count()
    refused = outsider.get(f"/api/{path}/{record}/")
    missing = outsider.get(f"/api/{path}/00000000-0000-0000-0000-000000000000/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert _client(world.manager).get(f"/api/{path}/not-a-uuid/").status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == views


@pytest.mark.parametrize("path, object_type", [("families", "people.family"),
                                               ("episodes", "cases.episode")])  # fmt: skip
def test_each_detail_read_leaves_one_view_row_naming_the_record(world, path, object_type):
    """The details audit without building a model instance (audit.record_view with model=):
    the row still names the record's type, id and family, as a page's view row does."""
    from earlyhelp.core.models import AuditEvent

    episode = open_episode(world)
    record = episode.family_id if path == "families" else episode.pk
    before = AuditEvent.objects.filter(action="view").count()
    assert _client(world.worker).get(f"/api/{path}/{record}/").status_code == 200
    rows = AuditEvent.objects.filter(action="view")
    assert rows.count() == before + 1
    row = rows.latest("id")
    assert (row.user_id, row.object_type, row.object_id, row.family_id) == (
        world.worker.pk, object_type, str(record), episode.family_id)


@pytest.mark.parametrize("path", ["episodes", "families"])
def test_detail_view_row_is_the_one_record_view_writes(world, path):
    """On PostgreSQL the detail's view row is written by the read's own statement
    (core.audited_read): every column as audit.record_view writes it (but its id, its time and
    the sealer's columns, set later); elsewhere it is record_view's. A refused read (404)
    writes no view row, as before."""
    import uuid

    from earlyhelp.cases.models import Episode
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditEvent
    from earlyhelp.people.models import Family

    episode = open_episode(world)
    model, record = (Episode, episode.pk) if path == "episodes" else (Family, episode.family_id)
    assert _client(world.worker).get(f"/api/{path}/{record}/").status_code == 200
    written = AuditEvent.objects.filter(action="view").latest("id")
    reference = audit.record_view(user=world.worker, model=model, object_id=record,
                                  family_id=episode.family_id)
    reference.refresh_from_db()

    def columns(row):
        return {f.attname: getattr(row, f.attname) for f in AuditEvent._meta.concrete_fields
                if f.attname not in ("id", "at")}

    assert columns(written) == columns(reference)
    assert abs((reference.at - written.at).total_seconds()) < 60
    views = AuditEvent.objects.filter(action="view").count()
    for missing in (uuid.uuid4(), record):
        user = world.worker if missing != record else world.partner  # out of scope
        assert _client(user).get(f"/api/{path}/{missing}/").status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == views
