"""Sensitive fields – person-level health notes, sensitive case notes, and presenting-need
descriptions for domestic abuse, mental health and the like – are shown only to the roles the
configuration names (and the episode's lead practitioner)."""

import pytest
from rest_framework.test import APIClient

from earlyhelp.assessments import services as assessments
from earlyhelp.cases import services as cases
from earlyhelp.cases.services import taf_member_add
from earlyhelp.people import services as people
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _partner_on_taf(world, episode):
    taf_member_add(
        episode=episode,
        user=world.partner,
        name="School nurse",
        joined_on=days_ago(5),
        acting_user=world.worker,
    )


def test_person_sensitive_notes_are_for_early_help_staff_only(world):
    episode = open_episode(world)
    _partner_on_taf(world, episode)
    people.person_update(
        person=world.child,
        acting_user=world.worker,
        sensitive_notes="Diagnosed with an eating disorder.",
    )
    url = f"/api/people/{world.child.pk}/"
    assert api(world.worker).get(url).json()["sensitive_notes"] == (
        "Diagnosed with an eating disorder."
    )
    assert api(world.manager).get(url).json()["sensitive_notes"] == (
        "Diagnosed with an eating disorder."
    )
    partner_view = api(world.partner).get(url)
    assert partner_view.status_code == 200 and partner_view.json()["sensitive_notes"] is None
    assert api(world.front_door).get(url).json()["sensitive_notes"] is None
    members = api(world.partner).get(f"/api/families/{world.family.pk}/").json()["members"]
    assert all(m["person"]["sensitive_notes"] is None for m in members)


def test_the_rule_is_configuration(world, settings):
    open_episode(world)
    people.person_update(person=world.child, acting_user=world.worker, sensitive_notes="Asthma.")
    settings.EARLYHELP_SENSITIVE_FIELDS = {
        **settings.EARLYHELP_SENSITIVE_FIELDS,
        "people.Person.sensitive_notes": {"roles": ["worker", "manager", "front_door"]},
    }
    url = f"/api/people/{world.child.pk}/"
    assert api(world.front_door).get(url).json()["sensitive_notes"] == "Asthma."


def test_sensitive_case_notes_are_hidden_from_partners_but_not_from_a_lead(world):
    episode = open_episode(world)
    _partner_on_taf(world, episode)
    cases.case_note_add(
        episode=episode, subject="Home visit", text="Went well.", acting_user=world.worker
    )
    cases.case_note_add(
        episode=episode,
        subject="Police report",
        text="DA incident at home.",
        is_sensitive=True,
        acting_user=world.worker,
    )
    url = f"/api/episodes/{episode.pk}/notes/"
    assert {n["subject"] for n in api(world.worker).get(url).json()} == {
        "Home visit",
        "Police report",
    }
    assert {n["subject"] for n in api(world.partner).get(url).json()} == {"Home visit"}
    cases.episode_allocate(
        episode=episode, lead_practitioner=world.partner, acting_user=world.manager
    )
    assert {n["subject"] for n in api(world.partner).get(url).json()} == {
        "Home visit",
        "Police report",
    }


def test_domestic_abuse_need_descriptions_are_restricted(world):
    episode = open_episode(world)
    _partner_on_taf(world, episode)
    assessment = assessments.assessment_start(
        episode=episode,
        started_on=days_ago(3),
        completing_organisation=world.council,
        acting_user=world.worker,
    )
    dv, mh = world.themes
    from earlyhelp.thresholds.tests.factories import NeedThemeFactory

    school = NeedThemeFactory(code="school", name="Missing school", cin_factor_codes=[])
    for theme, factor, text in [
        (dv, "3B", "Dad hit mum in March."),
        (school, "", "Missed 20% of sessions."),
        (school, "4A", "Anxiety keeps her at home."),
    ]:
        assessments.presenting_need_add(
            assessment=assessment,
            theme=theme,
            cin_factor=factor,
            description=text,
            baseline_score=3,
            acting_user=world.worker,
        )
    url = f"/api/assessments/{assessment.pk}/"
    staff = {n["description"] for n in api(world.worker).get(url).json()["presenting_needs"]}
    assert staff == {
        "Dad hit mum in March.",
        "Missed 20% of sessions.",
        "Anxiety keeps her at home.",
    }
    partner = [n["description"] for n in api(world.partner).get(url).json()["presenting_needs"]]
    assert sorted(partner, key=str) == sorted([None, None, "Missed 20% of sessions."], key=str)


@pytest.mark.parametrize(
    ("config", "reach"),
    [
        ({"roles": ["worker"], "lead_practitioner": True}, {"worker": "all", "partner": "lead"}),
        ({"roles": [], "lead_practitioner": True}, {"worker": "lead", "partner": "lead"}),
        ({"roles": ["worker"]}, {"worker": "all", "partner": "none"}),
        ({}, {"worker": "all", "partner": "all"}),
    ],
)
def test_case_notes_reach_is_may_sees_answer_before_any_episode(world, settings, config, reach):
    from earlyhelp.access.sensitive import CASE_NOTE, case_notes_reach

    settings.EARLYHELP_SENSITIVE_FIELDS = {**settings.EARLYHELP_SENSITIVE_FIELDS,
                                           CASE_NOTE: config}  # fmt: skip
    assert {"worker": case_notes_reach(world.worker),
            "partner": case_notes_reach(world.partner)} == reach  # fmt: skip
