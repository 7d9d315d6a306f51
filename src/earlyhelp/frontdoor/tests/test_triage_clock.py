"""The triage clock: when a decision is due is fixed by the services, on elapsed or working hours,
and the timeliness indicator and the overdue list read that one answer."""

import datetime as dt

import pytest
from django.utils import timezone

from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.models import Contact
from earlyhelp.insights.periods import period_containing
from earlyhelp.insights.registry import REGISTRY, Context, Scope
from earlyhelp.testing.journey import raise_contact
from earlyhelp.worklists.action_needed import overdue_contacts

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


FRIDAY_4PM = at(2026, 3, 13, 16, 0)


def received_friday_afternoon(world, priority=""):
    contact = raise_contact(world)
    # The journey helper dates the request in the past; put it on a known Friday, through the
    # service's own rule so the due moment is what the service would have set.
    Contact.objects.filter(pk=contact.pk).update(
        received_at=FRIDAY_4PM, priority=priority,
        decision_due_at=services.rules.decision_due(FRIDAY_4PM, priority),
    )
    contact.refresh_from_db()
    return contact


def decide(world, contact, rag, decided_at):
    return services.contact_triage(
        contact=contact, acting_user=world.front_door, outcome="nfa",
        threshold_model=world.model, indicators=[world.indicator(1)], level=world.level(1),
        rag=rag, rationale="Universal services meet the need.", decided_at=decided_at,
    )


def timeliness(month: dt.date):
    period = period_containing("month", month)
    ctx = Context(scope=Scope(), filters={}, parameters={})
    return REGISTRY["triage_timeliness"].compute(ctx, [period])[None][period.key].value


def test_the_service_records_when_the_decision_is_due_on_elapsed_hours(world):
    contact = raise_contact(world)
    assert contact.decision_due_at == contact.received_at + dt.timedelta(hours=24)  # unrated: amber


def test_on_working_hours_a_red_request_on_friday_afternoon_is_due_monday_noon(world, settings):
    settings.EARLYHELP_TRIAGE_CLOCK = "working"
    contact = received_friday_afternoon(world, priority="red")
    assert contact.decision_due_at == at(2026, 3, 16, 12, 0)
    decision = decide(world, contact, "red", at(2026, 3, 16, 11, 0))
    assert decision.due_at == at(2026, 3, 16, 12, 0)
    assert timeliness(dt.date(2026, 3, 1)) == 100.0  # on time in working hours


def test_the_same_decision_on_elapsed_hours_is_late(world, settings):
    settings.EARLYHELP_TRIAGE_CLOCK = "elapsed"
    contact = received_friday_afternoon(world, priority="red")
    assert contact.decision_due_at == at(2026, 3, 13, 20, 0)
    decision = decide(world, contact, "red", at(2026, 3, 16, 11, 0))
    assert decision.due_at == at(2026, 3, 13, 20, 0)
    assert timeliness(dt.date(2026, 3, 1)) == 0.0


def test_an_unrated_request_is_held_to_the_decisions_own_rag(world, settings):
    settings.EARLYHELP_TRIAGE_CLOCK = "working"
    contact = received_friday_afternoon(world)
    assert contact.decision_due_at == at(2026, 3, 18, 16, 0)  # amber: 24 working hours
    decision = decide(world, contact, "green", at(2026, 3, 16, 11, 0))
    assert decision.due_at == at(2026, 3, 26, 16, 0)  # green: 72 working hours = 1 + 8 × 8 + 7


def test_the_overdue_list_reads_the_due_moment(world, settings):
    settings.EARLYHELP_TRIAGE_CLOCK = "working"
    contact = received_friday_afternoon(world, priority="red")
    assert list(overdue_contacts(world.front_door, now=at(2026, 3, 16, 11, 59))) == []
    assert list(overdue_contacts(world.front_door, now=at(2026, 3, 16, 12, 1))) == [contact]


def test_an_unknown_clock_is_a_configuration_error(world, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.EARLYHELP_TRIAGE_CLOCK = "office"
    with pytest.raises(ImproperlyConfigured, match="EARLYHELP_TRIAGE_CLOCK"):
        raise_contact(world)
    assert not Contact.objects.exists()


def test_the_triage_hours_are_the_councils_journey_timescales(settings):
    """An administrator's change to the timescales row sets the due moment of later requests;
    the indicator's old "hours" parameter is gone (moved into the row by a migration)."""
    from earlyhelp.cases.models import Timescales
    from earlyhelp.insights.models import IndicatorDefinition

    settings.EARLYHELP_TRIAGE_CLOCK = "elapsed"
    assert services.rules.decision_due(FRIDAY_4PM, "red") == FRIDAY_4PM + dt.timedelta(hours=4)
    Timescales.objects.update_or_create(pk=1, defaults={"triage_red_hours": 8,
                                                        "triage_green_hours": 48})
    assert services.rules.decision_due(FRIDAY_4PM, "red") == FRIDAY_4PM + dt.timedelta(hours=8)
    assert services.rules.decision_due(FRIDAY_4PM, "green") == FRIDAY_4PM + dt.timedelta(hours=48)
    assert services.rules.decision_due(FRIDAY_4PM, "") == FRIDAY_4PM + dt.timedelta(hours=24)
    shipped = IndicatorDefinition.objects.get(code="triage_timeliness")
    assert "hours" not in shipped.parameters
    assert "journey timescales" in shipped.definition
