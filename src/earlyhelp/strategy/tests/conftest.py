import datetime as dt

import pytest

from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory

from .. import services
from ..models import Framework


@pytest.fixture
def matrix(db):
    """The maturity matrix as the migration ships it: 5 dimensions, 10 elements, 4 levels."""
    return Framework.objects.get(name="Early intervention maturity matrix")


@pytest.fixture
def police(db):
    return OrganisationFactory(name="Northshire Police", type="police")


@pytest.fixture
def chair(world):
    return UserFactory(username="chair", role=Role.MANAGER, team=world.team)


@pytest.fixture
def officer(police):
    return UserFactory(username="officer", role=Role.PARTNER, team=None, organisation=police)


@pytest.fixture
def make_round(world, matrix, chair, police):
    def make(name="Self-assessment 2026", opens_on=None, target="Established", orgs=None):
        return services.round_create(
            framework=matrix, name=name, chair=chair,
            target_level=matrix.levels.get(name=target),
            opens_on=opens_on or dates.today(),
            closes_on=(opens_on or dates.today()) + dt.timedelta(days=30),
            organisations=orgs if orgs is not None else [world.school, police],
            acting_user=world.manager,
        )

    return make


def element(framework, name):
    return framework.dimensions.get(elements__name=name).elements.get(name=name)


def level(framework, name):
    return framework.levels.get(name=name)
