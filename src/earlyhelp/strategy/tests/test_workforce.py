"""Workforce readiness: validity, compliance with hand-computed figures, the all-or-nothing
import, and the lead practitioner training rule at allocation."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from earlyhelp.access.policy import NotAllowed
from earlyhelp.cases import services as cases
from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent, Role
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.testing.journey import open_episode

from .. import rules, selectors, services
from ..models import Completion, Course, RoleClass

pytestmark = pytest.mark.django_db


def ago(days):
    return dates.today() - dt.timedelta(days=days)


@pytest.mark.parametrize(
    "completed, months, on, valid",
    [
        (dt.date(2025, 3, 15), 12, dt.date(2026, 3, 14), True),  # the last day
        (dt.date(2025, 3, 15), 12, dt.date(2026, 3, 15), False),  # the anniversary: renew
        (dt.date(2025, 3, 15), 12, dt.date(2025, 3, 14), False),  # not yet done
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 27), True),  # month end clamps
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28), False),
        (dt.date(2001, 1, 1), None, dt.date(2026, 1, 1), True),  # never expires
    ],
)
def test_a_completion_is_valid_for_its_months(completed, months, on, valid):
    assert rules.is_valid(completed, months, on) is valid


@pytest.fixture
def courses(db):
    return {
        "eha": Course.objects.create(code="eha", name="Early help assessment",
                                     validity_months=36, required_for=["high"]),
        "sg1": Course.objects.create(code="sg1", name="Safeguarding level 1",
                                     validity_months=12, required_for=["high", "low"]),
        "lead": Course.objects.create(code="lead", name="Lead practitioner",
                                      validity_months=24, required_for_lead=True),
    }


@pytest.fixture
def staff(world, courses):
    RoleClass.objects.create(job_title="Family support worker", contact="high")
    RoleClass.objects.create(job_title="Receptionist", contact="low")
    RoleClass.objects.create(job_title="Gardener", contact="none")

    def person(name, title, **kw):
        return UserFactory(username=name, job_title=title, **kw)

    a = person("a", "Family support worker", team=world.team)
    b = person("b", "family support worker", team=world.team)  # titles match in any case
    c = person("c", "Receptionist", team=None, organisation=world.school, role=Role.PARTNER)
    person("d", "Gardener", team=world.team)
    person("e", "Caretaker", team=world.team)
    f = person("f", "Family support worker", team=world.team, is_active=False)
    done = [(a, "eha", 100), (a, "sg1", 400), (b, "eha", 10), (b, "sg1", 30), (f, "eha", 5)]
    for user, code, days in done:
        Completion.objects.create(user=user, course=courses[code], completed_on=ago(days),
                                  source="page")
    return {"a": a, "b": b, "c": c}


def figures(rows):
    return [(r.label, r.required, r.valid, r.percent) for r in rows]


def test_compliance_by_contact_class_organisation_and_team(world, staff):
    # A: 2 required (EHA, SG1), EHA valid, SG1 lapsed (400 days > 12 months) -> 1.
    # B: 2 required, both valid -> 2. C (low contact): SG1 required, none -> 0.
    # D has no-contact (nothing required), E is unclassified, F is inactive: not counted.
    user = world.analyst
    assert figures(selectors.compliance(user=user, by="contact")) == [
        ("High contact", 4, 3, 75.0), ("Low contact", 1, 0, 0.0)]
    assert figures(selectors.compliance(user=user, by="organisation")) == [
        ("Borough Council", 4, 3, 75.0), ("Oak Primary School", 1, 0, 0.0)]
    assert figures(selectors.compliance(user=user, by="team")) == [
        ("5-18 team", 4, 3, 75.0), ("No team", 1, 0, 0.0)]
    assert selectors.unclassified_titles(user=user) == ["Caretaker"]


def test_titles_beyond_ascii_match_in_any_case(world, courses):
    """A job title is matched to its contact class without regard to case, accented capitals
    included (SQLite's LOWER() would not fold É)."""
    RoleClass.objects.create(job_title="Éducatrice spécialisée", contact="low")
    UserFactory(username="g", job_title="ÉDUCATRICE SPÉCIALISÉE", team=world.team)
    assert figures(selectors.compliance(user=world.analyst, by="contact")) == [
        ("Low contact", 1, 0, 0.0)]


def test_the_workforce_page_shows_the_figures_and_refuses_others(world, staff):
    body = verified_login(Client(), world.manager).get(reverse("strategy:workforce"))
    assert body.status_code == 200
    assert "75.0%" in body.content.decode() and "Caretaker" in body.content.decode()
    assert verified_login(Client(), world.worker).get(
        reverse("strategy:workforce")).status_code == 403


GOOD = "username,course,completed_on\nc,sg1,{d1}\na,sg1,{d2}\n"


def test_an_import_is_all_or_nothing_with_a_row_by_row_report(world, staff):
    today = dates.today()
    bad = ("username,course,completed_on\n"
           f"c,sg1,{today.isoformat()}\n"  # row 2 fine
           "nobody,sg1,2026-01-01\n"  # row 3 unknown user
           f"a,first-aid,{today:%d/%m/%Y}\n"  # row 4 unknown course
           "b,eha,31/02/2026\n"  # row 5 no such date
           f"c,sg1,{(today + dt.timedelta(days=1)).isoformat()}\n"  # row 6 future
           f"c,sg1,{today.isoformat()}\n")  # row 7 repeats row 2
    before = Completion.objects.count()
    with pytest.raises(services.ImportRefused) as caught:
        services.completions_import(text=bad, acting_user=world.analyst)
    assert [number for number, _ in caught.value.report] == [3, 4, 5, 6, 7]
    assert "No active user with the username “nobody”" in caught.value.report[0][1]
    assert "future" in caught.value.report[3][1]
    assert Completion.objects.count() == before
    good = GOOD.format(d1=today.isoformat(), d2=f"{today:%d/%m/%Y}")
    assert services.completions_import(text=good, acting_user=world.analyst) == {
        "imported": 2, "already_recorded": 0}
    assert services.completions_import(text=good, acting_user=world.analyst) == {
        "imported": 0, "already_recorded": 2}
    assert Completion.objects.count() == before + 2
    assert AuditEvent.objects.filter(object_type="strategy.completion", action="create",
                                     reason="training system import").count() == 2
    # Now A's safeguarding is in date again: high contact 4 of 4, low 1 of 1.
    assert figures(selectors.compliance(user=world.analyst, by="contact")) == [
        ("High contact", 4, 4, 100.0), ("Low contact", 1, 1, 100.0)]


def test_only_those_who_run_the_strategy_import_or_record(world, staff, courses):
    with pytest.raises(NotAllowed):
        services.completions_import(text=GOOD, acting_user=world.worker)
    with pytest.raises(NotAllowed):
        services.completion_record(user=staff["a"], course=courses["eha"],
                                   completed_on=dates.today(), acting_user=world.partner)


def test_the_import_page_reports_rows_and_keeps_nothing(world, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = verified_login(Client(), world.analyst)
    before = Completion.objects.count()
    upload = SimpleUploadedFile("t.csv", b"username,course,completed_on\nzz,sg1,2026-01-01\n")
    response = client.post(reverse("strategy:completions_import"), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was imported: 1 row has a problem" in body
    assert "No active user with the username “zz”" in body
    wrong = SimpleUploadedFile("t.csv", b"name,date\nx,y\n")
    body = client.post(reverse("strategy:completions_import"), {"file": wrong}).content.decode()
    assert "The header row needs the column(s): username, course, completed_on" in body
    assert Completion.objects.count() == before


def test_recording_a_completion_on_the_page(world, staff, courses):
    client = verified_login(Client(), world.manager)
    bad = client.post(reverse("strategy:completion_new"), {"user": staff["c"].pk})
    assert bad.status_code == 400 and "Select the course" in bad.content.decode()
    today = dates.today()
    ok = client.post(reverse("strategy:completion_new"), {
        "user": staff["c"].pk, "course": courses["sg1"].pk, "completed_on_day": today.day,
        "completed_on_month": today.month, "completed_on_year": today.year})
    assert ok.status_code == 302
    assert Completion.objects.filter(user=staff["c"], source="page").count() == 1


def test_allocating_a_lead_without_the_course_warns_and_is_audited(world, courses):
    episode = open_episode(world)
    done = cases.episode_allocate(episode=episode, lead_practitioner=world.worker,
                                  acting_user=world.manager)
    assert done.lead_practitioner == world.worker
    assert done.training_warning == (
        f"{world.worker.display_name} has no valid Lead practitioner course, which a lead "
        "practitioner needs.")
    assert AuditEvent.objects.filter(object_id=str(episode.pk), action="change",
                                     reason=done.training_warning).exists()
    # With a valid completion there is no warning.
    Completion.objects.create(user=world.other_worker, course=courses["lead"],
                              completed_on=ago(30), source="page")
    assert rules.lead_missing_courses(world.other_worker, dates.today()) == []


def test_allocating_a_lead_without_the_course_can_be_refused(world, courses, settings):
    settings.EARLYHELP_LEAD_TRAINING = "refuse"
    episode = open_episode(world)
    with pytest.raises(IllegalMove) as caught:
        cases.episode_allocate(episode=episode, lead_practitioner=world.worker,
                               acting_user=world.manager)
    assert "has no valid Lead practitioner course" in caught.value.message
    assert caught.value.code == "lead_training"
    episode.refresh_from_db()
    assert episode.lead_practitioner_id is None
    Completion.objects.create(user=world.worker, course=courses["lead"],
                              completed_on=ago(700), source="page")  # 23 months: in date
    done = cases.episode_allocate(episode=episode, lead_practitioner=world.worker,
                                  acting_user=world.manager)
    assert done.lead_practitioner == world.worker and done.training_warning == ""


def test_the_allocation_page_shows_the_warning(world, courses):
    episode = open_episode(world)
    client = verified_login(Client(), world.manager)
    response = client.post(
        reverse("web:episode_allocate", args=[episode.pk]),
        {"lead_practitioner": world.worker.pk, "version": episode.version}, follow=True)
    assert response.status_code == 200
    assert "has no valid Lead practitioner course" in response.content.decode()


def api_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_allocation_api_returns_the_warning(world, courses):
    episode = open_episode(world)
    response = api_for(world.manager).post(
        f"/api/episodes/{episode.pk}/allocate/",
        {"lead_practitioner": str(world.worker.pk), "version": episode.version}, format="json")
    assert response.status_code == 200
    assert response.json()["warnings"] == [
        f"{world.worker.display_name} has no valid Lead practitioner course, which a lead "
        "practitioner needs."]
    Completion.objects.create(user=world.manager, course=courses["lead"], completed_on=ago(1),
                              source="page")
    episode.refresh_from_db()
    again = api_for(world.manager).post(
        f"/api/episodes/{episode.pk}/allocate/",
        {"lead_practitioner": str(world.manager.pk), "version": episode.version}, format="json")
    assert again.status_code == 200 and again.json()["warnings"] == []


def test_the_allocation_api_refuses_with_409_when_configured(world, courses, settings):
    settings.EARLYHELP_LEAD_TRAINING = "refuse"
    episode = open_episode(world)
    response = api_for(world.manager).post(
        f"/api/episodes/{episode.pk}/allocate/",
        {"lead_practitioner": str(world.worker.pk), "version": episode.version}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "lead_training" and "Lead practitioner course" in body["detail"]
    episode.refresh_from_db()
    assert episode.lead_practitioner_id is None
