import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory
from earlyhelp.panels.tests.factories import MeetingFactory, PanelFactory, PanelMemberFactory


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
