"""Shared pytest fixtures for every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    from earlyhelp.core.testing.world import build_world

    return build_world()
