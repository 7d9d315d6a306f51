import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import UserFactory


@pytest.fixture
def targeting_dir(settings, tmp_path):
    settings.EARLYHELP_TARGETING_DIR = str(tmp_path / "targeting")
    return tmp_path / "targeting"


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=Role.ANALYST, team=None)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def worker(db):
    return UserFactory(username="worker", role=Role.WORKER)
