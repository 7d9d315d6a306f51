"""Walk the journey through the real services, for tests that need a case at a given stage."""

import datetime as dt

from django.utils import timezone

from earlyhelp.assessments import services as assessments
from earlyhelp.frontdoor import services as frontdoor
from earlyhelp.plans import services as plans

from .world import World, days_ago


def _moment(days: int) -> dt.datetime:
    """Midday (local) n days ago, or now for today. `now - n days` would land on another local
    date when the clocks changed in between and the test runs near midnight (an hour past
    midnight in October summer time is 23:xx GMT the night before)."""
    if days == 0:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(days_ago(days), dt.time(12)))


def raise_contact(world: World, *, family=None, received_days_ago: int = 60, consent="yes",
                  acting_user=None):
    family = family or world.family
    people = [m.person for m in family.memberships.all()]
    return frontdoor.contact_create(
        acting_user=acting_user or world.partner, family=family, people=people,
        subject_ids={m.person_id for m in family.memberships.all() if m.role == "child"},
        source="2A", referrer_name="Jo Lead", referrer_organisation=world.school,
        concerns="Attendance has dropped; the children say there is shouting at home.",
        family_consents_to_request=consent, family_consents_to_share=consent,
        received_at=_moment(received_days_ago),
    )


def triage_to_early_help(world: World, contact, *, decided_days_ago: int = 59):
    return frontdoor.contact_triage(
        contact=contact, acting_user=world.front_door, outcome="early_help",
        threshold_model=world.model, indicators=[world.indicator(2)], level=world.level(2),
        rag="amber", rationale="Additional needs; family consents to early help.",
        routed_team=world.team, decided_at=_moment(decided_days_ago),
    )


def open_episode(world: World, *, family=None, raised_by=None):
    contact = raise_contact(world, family=family, acting_user=raised_by)
    return triage_to_early_help(world, contact).episode


def completed_assessment(world: World, episode, *, started_days_ago=55, completed_days_ago=40):
    assessment = assessments.assessment_start(
        episode=episode, started_on=days_ago(started_days_ago),
        completing_organisation=world.council, acting_user=world.worker,
    )
    need = assessments.presenting_need_add(
        assessment=assessment, theme=world.themes[0], cin_factor="3B", baseline_score=3,
        acting_user=world.worker,
    )
    assessments.assessment_update(
        assessment=assessment, acting_user=world.worker,
        voice_of_child="I want the shouting to stop.",
    )
    assessments.assessment_complete(
        assessment=assessment, completed_on=days_ago(completed_days_ago), acting_user=world.worker,
    )
    assessment.refresh_from_db()
    return assessment, need


def review(world: World, episode, need, *, held_days_ago: int, score: int):
    return plans.review_record(
        episode=episode, held_on=days_ago(held_days_ago), attendees="Mum\nKey worker",
        scores={need: score}, next_review_due=days_ago(held_days_ago) + dt.timedelta(weeks=8),
        acting_user=world.worker,
    )


def partner_joins_taf(world: World, episode, *, joined_days_ago: int = 50):
    """The partner who raised the request joins the Team Around the Family – which (with
    consent to share) is what opens the family's record to them (decision 0004)."""
    from earlyhelp.cases import services as cases

    return cases.taf_member_add(
        episode=episode, user=world.partner, joined_on=days_ago(joined_days_ago),
        acting_user=world.worker, role="Designated safeguarding lead",
    )
