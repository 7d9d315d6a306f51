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


ROOT = Path(__file__).resolve().parents[4]
# A database of the worker's own (SQLite, a file other processes open): migrated, with the
# council's teams and an importing manager, "bench".
DATABASE_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from earlyhelp.core.models import CouncilService, Organisation, Role, Team, User
from earlyhelp.history.generate import TEAMS
council = Organisation.objects.create(name="C", type="council", is_council=True)
service = CouncilService.objects.create(name="Early Help")
for name in TEAMS:
    Team.objects.create(name=name, organisation=council, service=service)
User.objects.create(username="bench", role=Role.MANAGER, team=Team.objects.first())
from django.db import connection
connection.close()
"""


def process_env(database: Path) -> dict:
    """The environment of a subprocess that works on `database`."""
    import os

    return {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "earlyhelp.settings.test", "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory) -> Path:
    """Migrated once a session (migrating is most of a subprocess test's time)."""
    import subprocess
    import sys

    database = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    subprocess.run([sys.executable, "-c", DATABASE_SETUP], env=process_env(database),
                   check=True, cwd=ROOT)
    return database


@pytest.fixture
def database_file(migrated_file, tmp_path) -> Path:
    """A test's own copy of the migrated database, for processes of its own to share."""
    target = tmp_path / "db.sqlite3"
    for suffix in ("", "-wal"):
        if Path(f"{migrated_file}{suffix}").exists():
            shutil.copyfile(f"{migrated_file}{suffix}", f"{target}{suffix}")
    return target
