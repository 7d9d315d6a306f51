"""Fixtures for fuzzing the API with schemathesis, in-process (WSGI), as two users."""

import functools
from dataclasses import dataclass

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fuzz: schemathesis against the OpenAPI schema (runs in CI with `make test`)"
    )


@functools.lru_cache(maxsize=1)
def _raw_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_started/finished, whose handler closes a
    connection inside a transaction (PostgreSQL) – the test's own. Django's test Client
    disconnects it for the same reason; so do we, for the fuzz run only."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_dict(_raw_schema())
    schema.app = get_wsgi_application()
    return schema


@dataclass
class Caller:
    user: object
    headers: dict
    cookies: dict
    family_ids: list
    episode_ids: list
    other_ids: list  # people, contacts, assessments, plans, reviews …


def _session(user) -> tuple[dict, dict]:
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from earlyhelp.core.testing.two_factor import verified_login

    client = verified_login(Client(), user)
    csrf = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {"X-CSRFToken": csrf}, {"sessionid": session, "csrftoken": csrf}


@pytest.fixture
def callers(db):
    """Two workers of different teams (and services), each with a case of their own."""
    import dataclasses

    from earlyhelp.cases import services as cases
    from earlyhelp.people.tests.factories import family_with_members
    from earlyhelp.plans import services as plans
    from earlyhelp.testing.journey import completed_assessment, open_episode
    from earlyhelp.testing.world import build_world, days_ago

    w = build_world()
    ep_a = open_episode(w)
    other = dataclasses.replace(w, worker=w.other_worker)
    ep_b = cases.episode_step_down(
        family=family_with_members(),
        team=w.other_team,
        on=days_ago(60),
        reason="Closed by social care (RC9)",
        acting_user=w.other_worker,
    )
    result = []
    for world, episode in ((w, ep_a), (other, ep_b)):
        assessment, _need = completed_assessment(world, episode)
        plan = plans.plan_start(episode=episode, started_on=days_ago(30), acting_user=world.worker)
        person = episode.family.memberships.first().person
        ids = [person.pk, assessment.pk, plan.pk]
        if episode.contact_id:
            ids.append(episode.contact_id)
        headers, cookies = _session(world.worker)
        result.append(
            Caller(
                user=world.worker,
                headers=headers,
                cookies=cookies,
                family_ids=[episode.family_id],
                episode_ids=[episode.pk],
                other_ids=ids,
            )
        )
    return result
