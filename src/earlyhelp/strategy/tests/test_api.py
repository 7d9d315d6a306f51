# ruff: noqa: F811  (the audits' fixtures, imported from test_audits, are test arguments)
"""The strategy read API: the same policy and scoping as the pages, each endpoint tried as a user
it refuses, JSON error bodies, filters that refuse what they cannot read, audited reads."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from earlyhelp.core import dates
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.tests.factories import UserFactory

from .. import services
from ..models import ActionItem, CaseAudit, Completion, Course, RoleClass
from .conftest import element, level
from .test_audits import draw, grade, month_work, peer, tool  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def refused(response, status):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["status"] == status and body["code"] and body["detail"]
    return body


# Frameworks


def test_frameworks_for_those_who_run_the_strategy_with_their_structure(world, matrix):
    listed = api(world.analyst).get("/api/strategy/frameworks/").json()
    names = [f["name"] for f in listed["results"]]
    assert "Early intervention maturity matrix" in names
    detail = api(world.analyst).get(f"/api/strategy/frameworks/{matrix.pk}/").json()
    assert [lv["name"] for lv in detail["levels"]] == ["Basic", "Developing", "Established",
                                                        "Mature"]
    assert len(detail["dimensions"]) == 5
    assert sum(len(d["elements"]) for d in detail["dimensions"]) == 10


@pytest.mark.parametrize("role", ["partner", "worker", "front_door"])
def test_frameworks_are_refused_to_others(world, matrix, role):
    user = getattr(world, role)
    body = refused(api(user).get("/api/strategy/frameworks/"), 403)
    assert "run self-assessments" in body["detail"]
    refused(api(user).get(f"/api/strategy/frameworks/{matrix.pk}/"), 403)


def test_a_framework_filter_it_cannot_read_is_a_400(world):
    body = refused(api(world.analyst).get("/api/strategy/frameworks/?is_active=maybe"), 400)
    assert list(body["errors"]) == ["is_active"]


# Rounds: partners see only their own organisation's ratings


@pytest.fixture
def rated(make_round, matrix, officer, world):
    """A round with the school and the police invited; each rated one element differently."""
    round_ = make_round()
    partner_of_school = world.partner
    el = element(matrix, matrix.dimensions.first().elements.first().name)
    school = services.rating_record(round_=round_, element=el, level=level(matrix, "Basic"),
                                    evidence="School evidence", acting_user=partner_of_school)
    police = services.rating_record(round_=round_, element=el, level=level(matrix, "Mature"),
                                    evidence="Police evidence", acting_user=officer)
    return round_, el, school, police


def test_a_partner_sees_the_round_and_only_their_own_ratings(world, rated):
    round_, el, school, police = rated
    client = api(world.partner)
    assert [r["id"] for r in client.get("/api/strategy/rounds/").json()["results"]] == [
        str(round_.pk)]
    before = AuditEvent.objects.filter(action="view", object_id=str(round_.pk)).count()
    response = client.get(f"/api/strategy/rounds/{round_.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert AuditEvent.objects.filter(action="view", object_id=str(round_.pk)).count() == before + 1
    assert body["sees_all_ratings"] is False
    row = next(r for r in body["elements"] if r["element"] == str(el.pk))
    assert [r["id"] for r in row["ratings"]] == [str(school.pk)]
    assert row["own_rating"]["evidence"] == "School evidence"
    assert str(police.pk) not in response.content.decode()
    assert "Police evidence" not in response.content.decode()


def test_the_chair_sees_every_rating_and_where_partners_disagree(chair, rated):
    round_, el, school, police = rated
    body = api(chair).get(f"/api/strategy/rounds/{round_.pk}/").json()
    assert body["sees_all_ratings"] is True
    row = next(r for r in body["elements"] if r["element"] == str(el.pk))
    assert {r["id"] for r in row["ratings"]} == {str(school.pk), str(police.pk)}
    assert row["agreement"] == {"label": "Disagree", "count": 2, "lowest": 1, "highest": 4,
                                "spread": 3}
    assert {p["organisation_name"] for p in body["partners"]} == {"Oak Primary School",
                                                                   "Northshire Police"}


def test_a_round_is_a_404_to_an_organisation_not_invited(world, rated):
    round_ = rated[0]
    outsider = UserFactory(role=Role.PARTNER, team=None)
    assert api(outsider).get("/api/strategy/rounds/").json()["results"] == []
    refused(api(outsider).get(f"/api/strategy/rounds/{round_.pk}/"), 404)
    refused(api(world.worker).get(f"/api/strategy/rounds/{round_.pk}/"), 404)


def test_round_filters(world, rated):
    round_ = rated[0]
    client = api(world.manager)
    assert client.get("/api/strategy/rounds/?status=closed").json()["results"] == []
    assert len(client.get("/api/strategy/rounds/?status=open").json()["results"]) == 1
    body = refused(client.get("/api/strategy/rounds/?opens_from=2026-02-31"), 400)
    assert list(body["errors"]) == ["opens_from"]
    later = (round_.opens_on + dt.timedelta(days=1)).isoformat()
    assert client.get(f"/api/strategy/rounds/?opens_from={later}").json()["results"] == []


# The action plan


@pytest.fixture
def items(world):
    today = dates.today()
    values = {"outcome": "Families say they are heard", "measure": "Survey", "target": "80%",
              "owner": world.manager, "actions": "", "element": None, "indicator": None,
              "indicator_target": None}
    late = services.action_item_create(acting_user=world.manager, due_on=today
                                       - dt.timedelta(days=1), **values)
    soon = services.action_item_create(acting_user=world.manager, due_on=today
                                       + dt.timedelta(days=10), **values)
    later = services.action_item_create(acting_user=world.manager, due_on=today
                                        + dt.timedelta(days=90), **values)
    return late, soon, later


def test_the_action_plan_with_rag_by_date(world, items):
    late, soon, later = items
    body = api(world.analyst).get("/api/strategy/action-items/").json()
    assert [(r["id"], r["rag_date"]) for r in body["results"]] == [
        (str(late.pk), "red"), (str(soon.pk), "amber"), (str(later.pk), "green")]
    assert all(r["rag_indicator"] is None for r in body["results"])
    services.action_item_complete(item=soon, acting_user=world.manager)
    done = api(world.analyst).get("/api/strategy/action-items/?status=done").json()["results"]
    assert [(r["id"], r["rag_date"]) for r in done] == [(str(soon.pk), "done")]
    one = api(world.admin).get(f"/api/strategy/action-items/{late.pk}/").json()
    assert one["rag_date"] == "red" and one["owner_name"] == world.manager.display_name


def test_the_action_plan_is_refused_to_partners_and_workers(world, items):
    for user in (world.partner, world.worker):
        refused(api(user).get("/api/strategy/action-items/"), 403)
        refused(api(user).get(f"/api/strategy/action-items/{items[0].pk}/"), 403)
    refused(api(world.analyst).get("/api/strategy/action-items/?due_before=soon"), 400)
    assert ActionItem.objects.count() == 3


# Workforce compliance


def test_compliance_by_contact_class_organisation_and_team_by_hand(world):
    """Two high-contact workers in the 5-18 team need the one course: one holds it in date,
    the other's ran out (13 months ago, valid 12): 1 of 2 = 50%."""
    RoleClass.objects.create(job_title="Family worker", contact="high")
    course = Course.objects.create(code="eha", name="Early help assessment", validity_months=12,
                                   required_for=["high"])
    holder = UserFactory(role=Role.WORKER, team=world.team, job_title="Family worker")
    lapsed = UserFactory(role=Role.WORKER, team=world.team, job_title="Family worker")
    today = dates.today()
    Completion.objects.create(user=holder, course=course, completed_on=today
                              - dt.timedelta(days=30), source="page")
    Completion.objects.create(user=lapsed, course=course,
                              completed_on=dates.months_before(today, 13), source="page")
    body = api(world.manager).get("/api/strategy/workforce/compliance/").json()
    assert body["on"] == today.isoformat()
    tables = {t["by"]: t["rows"] for t in body["tables"]}
    assert tables["contact"] == [{"label": "High contact", "required": 2, "valid": 1,
                                  "percent": 50.0}]
    assert tables["team"] == [{"label": "5-18 team", "required": 2, "valid": 1,
                               "percent": 50.0}]
    assert [r["label"] for r in tables["organisation"]] == [world.team.organisation.name]


@pytest.mark.parametrize("role", ["partner", "worker", "panel_member"])
def test_compliance_is_refused_to_those_who_do_not_run_the_strategy(world, role):
    user = (UserFactory(role=Role.PANEL_MEMBER, team=None) if role == "panel_member"
            else getattr(world, role))
    refused(api(user).get("/api/strategy/workforce/compliance/"), 403)


# Case audits: auditors only their sample


@pytest.fixture
def drawn(world, tool, month_work, peer):  # noqa: F811
    return draw(world, tool, [peer], per_team=5, seed=11)


def test_an_auditor_sees_only_the_sample_drawn_for_them(world, drawn, peer):
    other = UserFactory(username="other-auditor", role=Role.WORKER)
    mine = list(CaseAudit.objects.filter(programme=drawn).order_by("pk"))
    theirs = mine.pop()
    services.audit_reassign(audit=theirs, auditor=other, acting_user=world.manager)
    listed = api(peer).get("/api/strategy/audits/").json()
    assert sorted(a["id"] for a in listed["results"]) == sorted(str(a.pk) for a in mine)
    assert AuditEvent.objects.filter(action="search", object_type="strategy.caseaudit").exists()
    refused(api(peer).get(f"/api/strategy/audits/{theirs.pk}/"), 404)
    assert api(other).get(f"/api/strategy/audits/{theirs.pk}/").status_code == 200


def test_ungraded_audits_are_hidden_from_the_worker_and_strategy_until_graded(
        world, drawn, peer):
    audit_ = CaseAudit.objects.filter(programme=drawn, worker=world.worker).first()
    for user in (world.worker, world.analyst, world.partner):
        refused(api(user).get(f"/api/strategy/audits/{audit_.pk}/"), 404)
    grade(audit_, peer, overall="requires_improvement", each="good",
          summary="Record the child's words")
    for user in (world.worker, world.manager, world.analyst):
        body = api(user).get(f"/api/strategy/audits/{audit_.pk}/").json()
        assert body["grade"] == "requires_improvement" and body["answers"], user
    refused(api(world.partner).get(f"/api/strategy/audits/{audit_.pk}/"), 404)
    assert api(world.partner).get("/api/strategy/audits/").json()["results"] == []


def test_the_findings_show_moderation_and_acknowledgement(world, drawn, peer):
    audit_ = CaseAudit.objects.filter(programme=drawn, worker=world.worker).first()
    grade(audit_, peer)
    services.audit_acknowledge(audit=audit_, comment="Thanks", acting_user=world.worker)
    services.audit_moderate(audit=audit_, new_grade="outstanding", reason="Exemplary",
                            acting_user=world.analyst)
    body = api(world.worker).get(f"/api/strategy/audits/{audit_.pk}/").json()
    assert body["grade"] == "outstanding"
    assert [(m["old_grade"], m["new_grade"], m["reason"]) for m in body["moderations"]] == [
        ("good", "outstanding", "Exemplary")]
    assert [(a["as_role"], a["comment"]) for a in body["acknowledgements"]] == [
        ("worker", "Thanks")]


def test_audit_filters(world, drawn, peer):
    client = api(peer)
    total = len(client.get("/api/strategy/audits/").json()["results"])
    plans = client.get("/api/strategy/audits/?kind=plan").json()["results"]
    assert plans and len(plans) < total and {a["kind"] for a in plans} == {"plan"}
    body = refused(client.get("/api/strategy/audits/?grade=brilliant"), 400)
    assert list(body["errors"]) == ["grade"]
    assert client.get("/api/strategy/audits/?status=graded").json()["results"] == []
