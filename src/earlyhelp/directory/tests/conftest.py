
import pytest

from earlyhelp.assessments import services as assessments
from earlyhelp.core import dates
from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import OrganisationFactory, UserFactory
from earlyhelp.testing.journey import open_episode
from earlyhelp.testing.world import days_ago

from .factories import ServiceFactory


@pytest.fixture
def episode(world):
    """An open episode (level 2) with an in-progress assessment naming both world themes."""
    episode = open_episode(world)
    assessment = assessments.assessment_start(
        episode=episode,
        started_on=days_ago(50),
        completing_organisation=world.council,
        acting_user=world.worker,
    )
    for theme in world.themes:
        assessments.presenting_need_add(
            assessment=assessment, theme=theme, baseline_score=3, acting_user=world.worker
        )
    return episode


@pytest.fixture
def provider_org(db):
    return OrganisationFactory(name="Family Action", type="voluntary", is_council=False)


@pytest.fixture
def provider(provider_org):
    return UserFactory(username="provider", role=Role.PARTNER, team=None, organisation=provider_org)


@pytest.fixture
def service(world, provider_org):
    return ServiceFactory(
        name="Family support",
        organisation=provider_org,
        themes=world.themes,
        capacity=2,
        declared_waiting_days=10,
        waiting_days=10,
    )


@pytest.fixture
def today():
    return dates.today()
