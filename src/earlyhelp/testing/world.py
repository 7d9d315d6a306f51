"""A small known world for journey tests: one service, two teams, a user per role, a model."""

import datetime as dt
from dataclasses import dataclass

from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import (
    CouncilServiceFactory,
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from earlyhelp.people.tests.factories import family_with_members
from earlyhelp.thresholds.tests.factories import NeedThemeFactory, four_level_model


@dataclass
class World:
    service: object
    team: object
    other_team: object
    council: object
    school: object
    partner: object
    front_door: object
    worker: object
    other_worker: object
    manager: object
    analyst: object
    admin: object
    model: object
    themes: list
    family: object

    @property
    def child(self):
        return self.family.memberships.filter(role="child").first().person

    @property
    def parent(self):
        return self.family.memberships.filter(role="parent_carer").first().person

    def level(self, rank: int):
        return self.model.levels.get(rank=rank)

    def indicator(self, rank: int):
        return self.level(rank).indicators.first()


def build_world() -> World:
    service = CouncilServiceFactory()
    council = OrganisationFactory(name="Borough Council")
    school = SchoolFactory(name="Oak Primary School")
    team = TeamFactory(name="5-18 team", organisation=council, service=service)
    other_service = CouncilServiceFactory(name="Another service")
    other_team = TeamFactory(name="Elsewhere team", organisation=council, service=other_service)
    make = UserFactory
    return World(
        service=service,
        team=team,
        other_team=other_team,
        council=council,
        school=school,
        partner=make(username="partner", role=Role.PARTNER, team=None, organisation=school),
        front_door=make(username="frontdoor", role=Role.FRONT_DOOR, team=team),
        worker=make(username="worker", role=Role.WORKER, team=team),
        other_worker=make(username="otherworker", role=Role.WORKER, team=other_team),
        manager=make(username="manager", role=Role.MANAGER, team=team),
        analyst=make(username="analyst", role=Role.ANALYST, team=None, organisation=council),
        admin=make(username="admin", role=Role.ADMIN, team=None, organisation=council,
                   is_staff=True, is_superuser=True),
        model=four_level_model(),
        themes=[NeedThemeFactory(code="dv", name="Domestic violence",
                                 cin_factor_codes=["3A", "3B", "3C"]),
                NeedThemeFactory(code="mh", name="Mental health",
                                 cin_factor_codes=["4A", "4B", "4C"])],
        family=family_with_members(children=2, adults=1),
    )


def days_ago(n: int) -> dt.date:
    return dates.today() - dt.timedelta(days=n)
