"""Factories for episodes and their Team Around the Family."""

import datetime as dt

import factory

from earlyhelp.cases.models import Episode, TafMember
from earlyhelp.core.tests.factories import TeamFactory
from earlyhelp.people.tests.factories import FamilyFactory


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    # Not the services' own EH000001…: a test that opens episodes both ways never collides
    reference = factory.Sequence(lambda n: f"EHF{n:06d}")
    family = factory.SubFactory(FamilyFactory)
    start_date = dt.date(2026, 1, 10)
    team = factory.SubFactory(TeamFactory)


class TafMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafMember

    episode = factory.SubFactory(EpisodeFactory)
    name = "Taf Member"
    joined_on = dt.date(2026, 1, 12)
