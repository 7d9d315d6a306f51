"""Factories for plans, their actions and reviews."""

import datetime as dt

import factory

from earlyhelp.cases import state
from earlyhelp.cases.models import Episode
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.plans.models import Plan, PlanAction, Review


def episode_state_follows(episode_id) -> None:
    """A factory writes around the services: its episode's stored state follows, as the
    services keep it (cases.state)."""
    state.recompute(Episode.objects.filter(pk=episode_id))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    started_on = dt.date(2026, 2, 1)

    @factory.post_generation
    def episode_state(self, create, extracted, **kwargs):
        if create:
            episode_state_follows(self.episode_id)


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
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    held_on = dt.date(2026, 3, 15)
    attendees = "Parent\nKey worker"

    @factory.post_generation
    def episode_state(self, create, extracted, **kwargs):
        if create:
            episode_state_follows(self.episode_id)
