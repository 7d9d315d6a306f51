"""Shared pytest fixtures for every app's tests."""

import pytest

# One browser for the whole session, shared by every app's browser tests.
pytest_plugins = ["tests.browser.plugin"]


@pytest.fixture(autouse=True)
def _fast_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    from earlyhelp.core.testing.world import build_world

    return build_world()
