"""One journey timescales row: the caseload, the team queues, action needed, the episode page and
the indicators all move together when an administrator changes it."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from earlyhelp.cases.models import Timescales
from earlyhelp.cases.services import episode_allocate
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.insights import terms
from earlyhelp.insights.models import IndicatorDefinition
from earlyhelp.insights.selectors import context_for
from earlyhelp.plans import services as plans
from earlyhelp.testing import journey
from earlyhelp.testing.world import days_ago

from .. import selectors as worklists
from ..action_needed import action_needed

pytestmark = pytest.mark.django_db


def set_timescales(**values):
    timescales = Timescales.objects.filter(pk=1).first() or Timescales()
    for name, value in values.items():
        setattr(timescales, name, value)
    timescales.save()


@pytest.fixture
def led(world):
    episode = journey.open_episode(world)  # started 59 days ago, no assessment
    episode_allocate(episode=episode, lead_practitioner=world.worker, acting_user=world.manager)
    return episode


def counts(user):
    return {item.key: item.count for item in action_needed(user)}


def test_the_defaults_are_the_journey_rules_the_code_used():
    timescales = Timescales()
    assert timescales.assessment_due_days == 45
    assert timescales.first_review_days == 7 * 12
    assert timescales.review_interval_days == 7 * 8
    assert (timescales.assessment_due_soon_days, timescales.review_due_soon_days) == (7, 14)
    assert timescales.referral_response_days == 5


def test_the_assessment_timescale_moves_every_worklist_and_the_indicator(world, led):
    assert worklists.episodes_assessment_overdue(user=world.manager).count() == 1
    assert counts(world.worker)["assessments_overdue"] == 1
    assert worklists.caseload_summary(user=world.worker)["assessment_overdue"] == 1
    definition = IndicatorDefinition.objects.get(code="assessments_on_time")
    assert context_for(world.manager, definition, {}).parameters["days"] == 45

    set_timescales(assessment_due_days=60)  # the episode is 59 days old: due tomorrow

    assert worklists.episodes_assessment_overdue(user=world.manager).count() == 0
    assert "assessments_overdue" not in counts(world.worker)
    assert counts(world.worker)["assessments_due"] == 1  # due within the 7 days' warning
    assert worklists.caseload_summary(user=world.worker)["assessment_overdue"] == 0
    assert context_for(world.manager, definition, {}).parameters["days"] == 60
    [term] = terms.for_indicator(definition)
    assert "within 60 days" in term.text


def test_an_indicator_parameter_left_behind_cannot_disagree(world):
    definition = IndicatorDefinition.objects.get(code="assessments_on_time")
    definition.parameters = {"days": 30}
    definition.save()
    assert context_for(world.manager, definition, {}).parameters["days"] == 45


def test_the_first_review_timescale_moves_the_caseload_and_the_episode_page(world, led, client):
    _, need = journey.completed_assessment(world, led)
    plans.plan_start(episode=led, started_on=days_ago(39), acting_user=world.worker)
    row = worklists.caseload_rows(user=world.worker).get(pk=led.pk)
    assert row.next_review_due == days_ago(39) + dt.timedelta(weeks=12)
    assert worklists.episodes_review_overdue(user=world.manager).count() == 0

    set_timescales(first_review_days=28)

    row = worklists.caseload_rows(user=world.worker).get(pk=led.pk)
    assert row.next_review_due == days_ago(11)
    assert worklists.episodes_review_overdue(user=world.manager).count() == 1
    assert counts(world.worker)["reviews_overdue"] == 1
    verified_login(client, world.worker)
    page = client.get(reverse("web:episode_detail", args=[led.pk])).content.decode()
    assert dates.long_date(days_ago(11)) in page


def test_the_review_form_suggests_the_review_interval(world, led, client):
    _, need = journey.completed_assessment(world, led)
    plans.plan_start(episode=led, started_on=days_ago(39), acting_user=world.worker)
    set_timescales(review_interval_days=42)
    verified_login(client, world.worker)
    form = client.get(reverse("web:review_add", args=[led.pk])).context["form"]
    assert form.initial["next_review_due"] == dates.today() + dt.timedelta(days=42)


def test_a_saved_change_is_read_at_once_and_then_kept(django_assert_num_queries):
    Timescales.forget()
    with django_assert_num_queries(1):
        Timescales.current()
        Timescales.current()
    set_timescales(assessment_due_days=30)
    with django_assert_num_queries(1):
        assert Timescales.current().assessment_due_days == 30
        assert Timescales.current().assessment_due_days == 30


def test_the_migration_carries_an_administrators_indicator_setting_across(world):
    migration = importlib.import_module(
        "earlyhelp.insights.migrations.0005_timescales_from_indicators"
    )
    IndicatorDefinition.objects.filter(code="assessments_on_time").update(
        parameters={"days": 30, "other": 1}
    )
    IndicatorDefinition.objects.filter(code="reviews_on_time").update(
        parameters={"first_review_days": 70}
    )
    migration.forward(apps, None)
    Timescales.forget()
    assert Timescales.current().assessment_due_days == 30
    assert Timescales.current().first_review_days == 70
    assessments = IndicatorDefinition.objects.get(code="assessments_on_time")
    assert assessments.parameters == {"other": 1}
    assert "set 'days' in parameters" not in assessments.definition
    assert IndicatorDefinition.objects.get(code="reviews_on_time").parameters == {}
