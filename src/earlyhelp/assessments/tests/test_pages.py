"""The assessment's pages: saved part done, refused until whole, sensitive needs restricted."""


import pytest
from django.urls import reverse

from earlyhelp.assessments.models import Assessment, AssessmentEntry
from earlyhelp.cases.tests.pages import allocated_episode, text
from earlyhelp.cases.tests.pages import date_fields as _date
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return allocated_episode(world)


def test_assessment_saved_part_done_then_refused_until_whole(world, episode, client):
    verified_login(client, world.worker)
    client.post(
        reverse("web:assessment_start", args=[episode.pk]),
        {
            **_date("started_on", days_ago(5)),
            "completing_organisation": world.council.pk,
        },
    )
    assessment = Assessment.objects.get(episode=episode)
    tasks = text(client.get(reverse("web:assessment", args=[assessment.pk])))
    assert "govuk-task-list" in tasks and "Cannot start yet" in tasks
    client.post(
        reverse("web:assessment_member", args=[assessment.pk, world.child.pk]),
        {
            "version": assessment.version,
            "development_needs": "Sleep",
            "parenting_strengths": "Warm",
        },
    )
    assert AssessmentEntry.objects.filter(assessment=assessment).count() == 3
    tasks = text(client.get(reverse("web:assessment", args=[assessment.pk])))
    assert "In progress" in tasks
    assessment.refresh_from_db()
    response = client.post(
        reverse("web:assessment_complete", args=[assessment.pk]),
        {
            "version": assessment.version,
            **_date("completed_on", dates.today()),
        },
    )
    html = text(response)
    assert "add at least one presenting need and record the voice of the child" in html
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"

    response = client.post(
        reverse("web:assessment_needs", args=[assessment.pk]), {"theme": "", "baseline_score": ""}
    )
    assert "Choose the need" in text(response)
    client.post(
        reverse("web:assessment_needs", args=[assessment.pk]),
        {"theme": world.themes[0].pk, "baseline_score": "3", "cin_factor": "3B"},
    )
    client.post(
        reverse("web:assessment_voice", args=[assessment.pk]),
        {
            "version": Assessment.objects.get(pk=assessment.pk).version,
            "voice_of_child": "I want the shouting to stop.",
        },
    )
    assessment.refresh_from_db()
    response = client.post(
        reverse("web:assessment_complete", args=[assessment.pk]),
        {
            "version": assessment.version,
            **_date("completed_on", dates.today()),
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "completed"
    # Completed: no more editing.
    response = client.post(
        reverse("web:assessment_voice", args=[assessment.pk]),
        {"version": Assessment.objects.get(pk=assessment.pk).version, "voice_of_child": "Changed"},
    )
    assert "can no longer be changed" in text(response)


def test_sensitive_need_descriptions_are_restricted_for_partners(world, episode, client):
    assessment, need = journey.completed_assessment(world, episode)
    need.description = "Police called twice in March."
    need.save()
    url = reverse("web:assessment", args=[assessment.pk])
    journey.partner_joins_taf(world, episode)
    verified_login(client, world.partner)  # on the TAF: in scope, not early help staff
    page = text(client.get(url))
    assert "Restricted" in page and "Police called twice" not in page
    verified_login(client, world.worker)
    assert "Police called twice in March." in text(client.get(url))
