import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.testing.factories import UserFactory
from earlyhelp.core.testing.journey import open_episode

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
    return open_episode(world)
