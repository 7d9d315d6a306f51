import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlyhelp.cases.models import Episode
from earlyhelp.cases.services import episode_close
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.testing.journey import raise_contact, triage_to_early_help
from earlyhelp.testing.world import days_ago
from earlyhelp.thresholds.tests.factories import four_level_model


def triage(world, contact, **overrides):
    values = dict(
        contact=contact, acting_user=world.front_door, outcome="early_help",
        threshold_model=world.model, indicators=[world.indicator(2)], level=world.level(2),
        rag="amber", rationale="Additional needs.", routed_team=world.team,
    )
    values.update(overrides)
    return services.contact_triage(**values)


def assert_untouched(contact):
    contact.refresh_from_db()
    assert contact.status == "awaiting_decision"
    assert not TriageDecision.objects.filter(contact=contact).exists()
    assert not Episode.objects.filter(contact=contact).exists()


def test_contact_records_people_and_writes_an_audit_row(world):
    contact = raise_contact(world)
    assert contact.reference.startswith("C")
    assert contact.contact_people.count() == 3
    assert contact.contact_people.filter(is_subject=True).count() == 2
    assert contact.referrer_user == world.partner
    assert AuditEvent.objects.filter(object_id=str(contact.pk), action="create").exists()


def test_contact_needs_someone_to_be_about(world):
    with pytest.raises(ValidationError) as error:
        services.contact_create(
            acting_user=world.partner, family=world.family, people=[], source="2A",
            referrer_name="Jo", concerns="x", family_consents_to_request="yes",
            family_consents_to_share="yes",
        )
    assert "people" in error.value.message_dict
    assert Contact.objects.count() == 0


def test_contact_people_must_belong_to_the_family(world):
    from earlyhelp.people.tests.factories import family_with_members

    stranger = family_with_members().memberships.first().person
    with pytest.raises(ValidationError, match="Not members"):
        services.contact_create(
            acting_user=world.partner, family=world.family, people=[stranger], source="2A",
            referrer_name="Jo", concerns="x", family_consents_to_request="yes",
            family_consents_to_share="yes",
        )
    assert Contact.objects.count() == 0


def test_contact_cannot_be_received_in_the_future(world):
    with pytest.raises(ValidationError, match="today or in the past"):
        services.contact_create(
            acting_user=world.partner, family=world.family, people=[world.child], source="2A",
            referrer_name="Jo", concerns="x", family_consents_to_request="yes",
            family_consents_to_share="yes", received_at=timezone.now() + dt.timedelta(days=2),
        )
    assert Contact.objects.count() == 0


def test_triage_to_early_help_opens_an_episode_for_the_team(world):
    contact = raise_contact(world)
    decision = triage_to_early_help(world, contact)
    contact.refresh_from_db()
    assert contact.status == "decided"
    episode = decision.episode
    assert episode.team == world.team and episode.route_in == "direct"
    assert set(episode.focus_children.all()) == {
        m.person for m in world.family.memberships.filter(role="child")
    }
    assert decision.suggested_level == world.level(2)
    assert not decision.is_override


def test_triage_twice_is_refused(world):
    contact = raise_contact(world)
    triage_to_early_help(world, contact)
    with pytest.raises(IllegalMove, match="already has a decision"):
        triage(world, contact, outcome="nfa")
    assert TriageDecision.objects.count() == 1


def test_override_of_the_suggested_level_needs_a_reason(world):
    contact = raise_contact(world)
    with pytest.raises(IllegalMove, match="give the reason"):
        triage(world, contact, indicators=[world.indicator(3)], level=world.level(2))
    assert_untouched(contact)
    decision = triage(world, contact, indicators=[world.indicator(3)], level=world.level(2),
                      override_reason="Family already engaging with the school nurse.")
    assert decision.is_override and decision.suggested_level == world.level(3)


def test_level_from_another_model_is_refused(world):
    other = four_level_model()
    contact = raise_contact(world)
    with pytest.raises(IllegalMove, match="not part of"):
        triage(world, contact, level=other.levels.get(rank=2), indicators=[])
    with pytest.raises(IllegalMove, match="not part of"):
        triage(world, contact, indicators=[other.levels.get(rank=2).indicators.first()])
    assert_untouched(contact)


def test_early_help_without_the_familys_consent_is_refused_but_step_up_is_not(world):
    contact = raise_contact(world, consent="no")
    with pytest.raises(IllegalMove, match="voluntary"):
        triage(world, contact)
    assert_untouched(contact)
    decision = triage(world, contact, outcome="step_up", level=world.level(4),
                      indicators=[world.indicator(4)], rag="red", routed_team=None,
                      safeguarding_override=True)
    assert decision.episode is None and decision.outcome == "step_up"


def test_early_help_needs_a_team(world):
    contact = raise_contact(world)
    with pytest.raises(IllegalMove, match="Choose the team"):
        triage(world, contact, routed_team=None)
    assert_untouched(contact)


def test_early_help_for_a_family_with_an_open_episode_is_refused(world):
    triage_to_early_help(world, raise_contact(world))
    second = raise_contact(world, received_days_ago=10)
    with pytest.raises(IllegalMove, match="Attach"):
        triage(world, second)
    assert_untouched(second)
    decision = triage(world, second, outcome="attach", routed_team=None)
    assert decision.episode.status == "open"


def test_attach_without_an_open_episode_is_refused(world):
    contact = raise_contact(world)
    with pytest.raises(IllegalMove, match="no open early help episode"):
        triage(world, contact, outcome="attach")
    assert_untouched(contact)


def test_rationale_is_required(world):
    contact = raise_contact(world)
    with pytest.raises(ValidationError):
        triage(world, contact, rationale=" ")
    assert_untouched(contact)


def test_decision_cannot_predate_the_contact(world):
    contact = raise_contact(world, received_days_ago=5)
    with pytest.raises(ValidationError, match="on or after the date the request was received"):
        triage(world, contact, decided_at=timezone.now() - dt.timedelta(days=6))
    assert_untouched(contact)


def test_contact_within_twelve_months_of_closure_is_a_re_referral(world):
    episode = triage_to_early_help(world, raise_contact(world, received_days_ago=200),
                                   decided_days_ago=199).episode
    episode_close(episode=episode, outcome="disengaged", end_date=days_ago(100),
                  acting_user=world.worker)
    again = raise_contact(world, received_days_ago=1)
    assert again.is_re_referral and again.re_referral_of == episode


def test_contact_more_than_twelve_months_after_closure_is_not_a_re_referral(world):
    episode = triage_to_early_help(world, raise_contact(world, received_days_ago=700),
                                   decided_days_ago=699).episode
    episode_close(episode=episode, outcome="moved_away", end_date=days_ago(400),
                  acting_user=world.worker)
    assert not raise_contact(world, received_days_ago=1).is_re_referral


def test_withdraw_needs_a_reason_and_only_while_waiting(world):
    contact = raise_contact(world)
    with pytest.raises(ValidationError):
        services.contact_withdraw(contact=contact, acting_user=world.front_door, reason="")
    assert_untouched(contact)
    services.contact_withdraw(contact=contact, acting_user=world.front_door,
                              reason="Duplicate of another request")
    with pytest.raises(IllegalMove, match="awaiting a decision"):
        services.contact_withdraw(contact=contact, acting_user=world.front_door, reason="again")
