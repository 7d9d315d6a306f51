"""Factories for plans, their actions and reviews."""

import datetime as dt

import factory

from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.plans.models import Plan, PlanAction, Review


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    episode = factory.SubFactory(EpisodeFactory)
    started_on = dt.date(2026, 2, 1)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(PlanFactory)
    description = "Attend the parenting programme"
    owner_name = "Parent"
    due_date = dt.date(2026, 3, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    episode = factory.SubFactory(EpisodeFactory)
    held_on = dt.date(2026, 3, 15)
    attendees = "Parent\nKey worker"
