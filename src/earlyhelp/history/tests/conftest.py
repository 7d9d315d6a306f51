import shutil
from pathlib import Path

import pytest

from earlyhelp.core.models import Role
from earlyhelp.core.tests.factories import OrganisationFactory, TeamFactory, UserFactory

SMALL = Path(__file__).parent / "fixtures" / "small"


@pytest.fixture
def teams(db):
    council = OrganisationFactory(name="Barnet Council", is_council=True)
    return [TeamFactory(name="Family Support West", organisation=council),
            TeamFactory(name="Family Support East", organisation=council)]


@pytest.fixture
def manager(teams):
    return UserFactory(username="importer", role=Role.MANAGER, team=teams[0])


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=Role.ANALYST, team=None, organisation=None)


@pytest.fixture
def extract(tmp_path):
    """A copy of the hand-written extract that a test may change."""
    target = tmp_path / "extract"
    shutil.copytree(SMALL, target)
    return target


def edit(directory: Path, table: str, old: str, new: str) -> None:
    path = directory / f"{table}.csv"
    text = path.read_text()
    assert old in text, f"{old!r} not in {table}"
    path.write_text(text.replace(old, new, 1))
