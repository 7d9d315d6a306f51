"""Factories for assessments and their presenting needs."""

import datetime as dt

import factory

from earlyhelp.assessments.models import Assessment, PresentingNeed
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.tests.factories import OrganisationFactory
from earlyhelp.thresholds.tests.factories import NeedThemeFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    started_on = dt.date(2026, 1, 12)
    completing_organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        """The children covered: as given, else (like the service) the household's children on
        the start date."""
        if not create:
            return
        if extracted is None:
            from earlyhelp.assessments.rules import household_children

            extracted = household_children(self.episode.family, self.started_on)
        self.children.set(extracted)

    @factory.post_generation
    def episode_state(self, create, extracted, **kwargs):
        """Written around the services: the episode's stored state follows (cases.state)."""
        if create:
            from earlyhelp.plans.tests.factories import episode_state_follows

            episode_state_follows(self.episode_id)


class PresentingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresentingNeed

    assessment = factory.SubFactory(AssessmentFactory)
    theme = factory.SubFactory(NeedThemeFactory)
    baseline_score = 3
