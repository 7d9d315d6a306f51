"""Each definition in one place, with a hand-computed answer: re-referral (calendar months and the
leap day), assessment on time, reviews on time (the first review too), decision to start."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.frontdoor.rules import re_referral_since
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.insights import terms
from earlyhelp.insights.models import IndicatorDefinition
from earlyhelp.insights.periods import period_containing
from earlyhelp.insights.registry import REGISTRY, Context, Scope
from earlyhelp.plans.tests.factories import PlanFactory

from .factories import DecisionFactory, ReviewFactory, closed_episode, local, step_up

pytestmark = pytest.mark.django_db


def compute(code, period, **parameters):
    ctx = Context(scope=Scope(), parameters=parameters)
    return REGISTRY[code].compute(ctx, [period])[None][period.key]


@pytest.mark.parametrize("closed, received, is_re_referral", [
    # Calendar months: the same day twelve months back (29 February → 28 February).
    (dt.date(2023, 2, 28), dt.date(2024, 2, 29), True),  # 366 days: not within 365 days
    (dt.date(2023, 3, 1), dt.date(2024, 3, 1), True),  # 366 days across the leap day
    (dt.date(2023, 2, 28), dt.date(2024, 3, 1), False),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),
    (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
    (dt.date(2025, 6, 10), dt.date(2025, 6, 10), True),  # the day it closed
])
def test_re_referral_counts_calendar_months(closed, received, is_re_referral):
    assert settings.EARLYHELP_RE_REFERRAL_MONTHS == 12
    assert (closed >= re_referral_since(received)) is is_re_referral


def test_step_ups_after_closure_use_the_same_re_referral_definition():
    """A step-up on 29 February 2024 after a closure on 28 February 2023 counts (calendar
    months); after one on 27 February 2023 it does not."""
    counted = closed_episode(end=dt.date(2023, 2, 28), outcome="needs_met")
    later = EpisodeFactory(family=counted.family, start_date=dt.date(2024, 1, 10))
    step_up(later, dt.date(2024, 2, 29))
    not_counted = closed_episode(end=dt.date(2023, 2, 27), outcome="needs_met")
    other = EpisodeFactory(family=not_counted.family, start_date=dt.date(2024, 1, 10))
    step_up(other, dt.date(2024, 2, 29))
    february = period_containing("month", dt.date(2024, 2, 1))
    assert compute("step_ups_after_closure", february).value == 1


def test_assessment_on_time_is_within_the_days_from_start_to_completion():
    march = period_containing("month", dt.date(2026, 3, 1))
    # Started 1 February: 45 days is 18 March (on time), 46 days is 19 March (late).
    for completed in (dt.date(2026, 3, 18), dt.date(2026, 3, 19)):
        AssessmentFactory(started_on=dt.date(2026, 2, 1), completed_on=completed,
                          status="completed")
    result = compute("assessments_on_time", march, days=45)
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50.0)


def test_reviews_on_time_count_the_first_review_as_well_as_later_ones():
    march = period_containing("month", dt.date(2026, 3, 1))
    # Episode A: plan 1 January; first review due 1 January + 84 days = 26 March; held 26 March
    # (on time). That review set the next for 20 April: not due in March.
    a = EpisodeFactory(start_date=dt.date(2025, 12, 1))
    PlanFactory(episode=a, started_on=dt.date(2026, 1, 1))
    ReviewFactory(episode=a, held_on=dt.date(2026, 3, 26), next_review_due=dt.date(2026, 4, 20))
    # Episode B: plan 5 January; first review due 30 March, held 2 April (late).
    b = EpisodeFactory(start_date=dt.date(2025, 12, 1))
    PlanFactory(episode=b, started_on=dt.date(2026, 1, 5))
    ReviewFactory(episode=b, held_on=dt.date(2026, 4, 2))
    # Episode C: plan in October; a review on 1 February set the next for 15 March, held
    # 15 March (on time); the first review (due 24 January 2026 – not in March) is not counted.
    c = EpisodeFactory(start_date=dt.date(2025, 10, 1))
    PlanFactory(episode=c, started_on=dt.date(2025, 11, 1))
    ReviewFactory(episode=c, held_on=dt.date(2026, 2, 1), next_review_due=dt.date(2026, 3, 15))
    ReviewFactory(episode=c, held_on=dt.date(2026, 3, 15))
    # Due in March: A's first (on time), B's first (late), C's second (on time) → 2 of 3.
    result = compute("reviews_on_time", march, first_review_days=84)
    assert (result.numerator, result.denominator) == (2, 3)
    assert round(result.value, 1) == 66.7


def test_time_from_decision_to_start_in_days():
    march = period_containing("month", dt.date(2026, 3, 1))
    # Decided 2 March at 23:30 (local), started 2 March: 0 days. Decided 1 March, started
    # 5 March: 4 days. Average 2.
    for decided, started in ((local(2026, 3, 2, 23, 30), dt.date(2026, 3, 2)),
                             (local(2026, 3, 1, 9), dt.date(2026, 3, 5))):
        contact = ContactFactory(received_at=decided - dt.timedelta(hours=2))
        episode = EpisodeFactory(family=contact.family, start_date=started, contact=contact)
        DecisionFactory(contact=contact, decided_at=decided, episode=episode)
    assert compute("decision_to_start", march).value == 2.0


def test_the_indicator_page_shows_each_definition_in_plain_english():
    analyst = UserFactory(username="analyst-terms", role="analyst", team=None)
    client = Client()
    verified_login(client, analyst)
    page = client.get("/insights/indicators/re_referral_rate/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "How it is counted" in text
    assert "within 12 calendar months of the closure" in text
    assert "Calendar months, not 365 days" in text
    definition = IndicatorDefinition.objects.get(code="assessments_on_time")
    assert "within 45 days of the day it started" in terms.for_indicator(definition)[0].text
    assert IndicatorDefinition.objects.filter(code="decision_to_start").exists()
