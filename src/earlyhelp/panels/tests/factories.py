"""Factories for the panels app."""

import datetime as dt

import factory

from earlyhelp.core import dates

from ..models import Meeting, Panel, PanelMember


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    name = factory.Sequence(lambda n: f"Multi-agency group {n}")
    kind = "multi_agency_group"


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    panel = factory.SubFactory(PanelFactory)
    role = "member"
    joined_on = dt.date(2025, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    panel = factory.SubFactory(PanelFactory)
    date = factory.LazyFunction(lambda: dates.today() + dt.timedelta(days=7))
