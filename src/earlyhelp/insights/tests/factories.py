"""Small, exact worlds for the indicator tests: records dated precisely, built with factories.

Journey services refuse future dates and enforce workflow; these tests need records placed on
given days in the past (including on period boundaries), so they use the shared factories and a
few of our own, keeping every row valid against the models' constraints.
"""

import datetime as dt

import factory
from django.utils import timezone

from earlyhelp.assessments.tests.factories import AssessmentFactory
from earlyhelp.cases.models import Transition
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import TeamFactory, UserFactory
from earlyhelp.frontdoor.models import TriageDecision
from earlyhelp.frontdoor.rules import decision_due
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory
from earlyhelp.plans.models import ProgressScore, Review
from earlyhelp.thresholds.tests.factories import four_level_model


def local(year, month, day, hour=12, minute=0) -> dt.datetime:
    """An aware datetime in the borough's time (Europe/London, with summer time)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TriageDecision

    contact = factory.SubFactory(ContactFactory)
    outcome = "early_help"
    threshold_model = factory.LazyFunction(lambda: four_level_model())
    level = factory.LazyAttribute(lambda d: d.threshold_model.levels.get(rank=2))
    rag = "amber"
    decided_at = factory.LazyAttribute(lambda d: d.contact.received_at + dt.timedelta(hours=1))
    decided_by = factory.SubFactory(UserFactory, role=Role.FRONT_DOOR)
    rationale = "Additional needs."
    due_at = factory.LazyAttribute(
        lambda d: decision_due(d.contact.received_at, d.contact.priority or d.rag)
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    episode = factory.SubFactory(EpisodeFactory)
    held_on = dt.date(2026, 3, 1)
    attendees = "Parent\nKey worker"


def closed_episode(*, end, outcome="needs_met", start=None, **kwargs):
    return EpisodeFactory(
        start_date=start or end - dt.timedelta(days=120), end_date=end, status="closed",
        closure_outcome=outcome, **kwargs,
    )


def completed_assessment(*, started, completed, **kwargs):
    return AssessmentFactory(started_on=started, completed_on=completed, status="completed",
                             **kwargs)


def step_up(episode, on: dt.date):
    """An episode stepped up on a day: closed with that outcome, and the transition recorded."""
    episode.status = "closed"
    episode.end_date = on
    episode.closure_outcome = "stepped_up"
    episode.save()
    return Transition.objects.create(
        kind="step_up", family=episode.family, episode=episode, date=on, reason="Risk rose.",
        cin_code="5D", recorded_by=UserFactory(username="recorder"),
    )


def score(review, need, value):
    return ProgressScore.objects.create(review=review, need=need, score=value)


def household_with_child(child=None, **kwargs):
    family = FamilyFactory(**kwargs)
    child = child or PersonFactory()
    MembershipFactory(family=family, person=child, role="child")
    return family, child


__all__ = [
    "AssessmentFactory", "ContactFactory", "DecisionFactory", "EpisodeFactory", "ReviewFactory",
    "TeamFactory", "closed_episode", "completed_assessment", "household_with_child", "local",
    "score", "step_up",
]
