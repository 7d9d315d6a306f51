import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.testing.journey import open_episode, partner_joins_taf

from .factories import MeetingFactory, PanelFactory, PanelMemberFactory


@pytest.fixture
def panel(db):
    return PanelFactory(name="Multi-agency group")


@pytest.fixture
def member(panel):
    user = UserFactory(username="panelist", role=Role.PANEL_MEMBER, team=None)
    PanelMemberFactory(panel=panel, user=user, role="chair")
    return user


@pytest.fixture
def meeting(panel):
    return MeetingFactory(panel=panel)


@pytest.fixture
def episode(world):
    episode = open_episode(world)
    # The school sits on the Team Around the Family, so a panel may make it lead (decision 0005).
    partner_joins_taf(world, episode)
    return episode
