"""Sensitive-field redaction, role by role (issue 11, IG tests): for each field in
EARLYHELP_SENSITIVE_FIELDS, each role that can open the record either sees the text or does
not – in the API and on the pages."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.assessments import services as assessments
from earlyhelp.cases import services as cases
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.people import services as people
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago

PERSON_NOTE = "Diagnosed with an eating disorder."
CASE_NOTE = "DA incident at home."
NEED = "Dad hit mum in March."

# who -> (person's sensitive notes, sensitive case note, domestic abuse need description)
EXPECTED = {
    "worker": (True, True, True),
    "manager": (True, True, True),
    "front_door": (False, False, False),
    "partner_on_taf": (False, False, False),
    "partner_as_lead": (False, True, True),
}


@pytest.fixture
def records(world):
    episode = open_episode(world)
    cases.taf_member_add(episode=episode, user=world.partner, name="School nurse",
                         joined_on=days_ago(5), acting_user=world.worker)
    people.person_update(person=world.child, acting_user=world.worker,
                         sensitive_notes=PERSON_NOTE)
    cases.case_note_add(episode=episode, subject="Police report", text=CASE_NOTE,
                        is_sensitive=True, acting_user=world.worker)
    assessment = assessments.assessment_start(
        episode=episode, started_on=days_ago(3), completing_organisation=world.council,
        acting_user=world.worker,
    )
    assessments.presenting_need_add(assessment=assessment, theme=world.themes[0],
                                    cin_factor="3B", description=NEED, baseline_score=3,
                                    acting_user=world.worker)
    return episode, assessment


def _who(world, episode, who):
    if who == "partner_as_lead":
        cases.episode_allocate(episode=episode, lead_practitioner=world.partner,
                               acting_user=world.manager)
        return world.partner
    return getattr(world, "partner" if who == "partner_on_taf" else who)


@pytest.mark.parametrize("who", EXPECTED)
def test_api_redaction_by_role(world, records, who):
    episode, assessment = records
    user = _who(world, episode, who)
    api = APIClient()
    api.force_authenticate(user)
    person = api.get(f"/api/people/{world.child.pk}/")
    assert person.status_code == 200
    notes = api.get(f"/api/episodes/{episode.pk}/notes/")
    need = api.get(f"/api/assessments/{assessment.pk}/")
    seen = (
        person.json()["sensitive_notes"] == PERSON_NOTE,
        CASE_NOTE in {n["text"] for n in notes.json()} if notes.status_code == 200 else False,
        NEED in {n["description"] for n in need.json()["presenting_needs"]}
        if need.status_code == 200 else False,
    )
    assert seen == EXPECTED[who]
    if not EXPECTED[who][0]:
        assert person.json()["sensitive_notes"] is None  # redacted, not merely absent


@pytest.mark.parametrize("who", EXPECTED)
def test_page_redaction_by_role(world, records, who):
    episode, assessment = records
    user = _who(world, episode, who)
    client = verified_login(Client(), user)
    pages = "".join(
        client.get(url).content.decode()
        for url in (
            reverse("web:family_detail", args=[episode.family_id]),
            reverse("web:notes", args=[episode.pk]),
            reverse("web:assessment", args=[assessment.pk]),
        )
    )
    # The sensitive case note on the notes page as in the API; the person's notes and the
    # need description never reach a role the rule leaves out.
    assert (CASE_NOTE in pages) == EXPECTED[who][1]
    assert not (PERSON_NOTE in pages) or EXPECTED[who][0]
    assert not (NEED in pages) or EXPECTED[who][2]
