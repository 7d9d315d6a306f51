"""Shared pytest fixtures for every app's tests."""

import pytest

# One browser for the whole session, shared by every app's browser tests.
pytest_plugins = ["tests.browser.plugin"]


@pytest.fixture(autouse=True)
def _fast_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    from earlyhelp.testing.world import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _shipped_data_after_flush(request):
    """Transactional tests (live server) end by emptying every table, data migrations' rows
    included: put back what the migrations ship, as every installation has it, for any test
    that uses the database after one of them. Costs five EXISTS queries when nothing is missing."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not names & {
        "db", "transactional_db", "live_server", "django_db_setup_done",
    }:
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from earlyhelp.testing.reference import restore_shipped_data

    restore_shipped_data()


@pytest.fixture(autouse=True)
def _timescales_read_afresh():
    """Each process keeps the journey timescales for a minute; a test's rolled-back change must
    not outlive the test."""
    yield
    from earlyhelp.cases.models import Timescales

    Timescales.forget()
