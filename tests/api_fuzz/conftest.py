"""Fixtures for fuzzing the API with schemathesis, in-process (WSGI), as each casework role of
the access matrix (core/tests/security/matrix.py)."""

import functools
from dataclasses import dataclass

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fuzz: schemathesis against the OpenAPI schema (runs in CI with `make test`)"
    )


@functools.lru_cache(maxsize=1)
def raw_schema() -> dict:
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


@dataclass
class Caller:
    """A role's signed-in (two-factor verified) session and the records it must never reach."""

    role: str
    user: object
    session: str
    csrf: str
    unseen: dict  # resource -> id of the OUT household's record (no casework role sees it)

    @property
    def headers(self) -> dict:
        return {"X-CSRFToken": self.csrf}

    @property
    def cookies(self) -> dict:
        return {"csrftoken": self.csrf}


# The OUT household (another service's team, no contact, panel or partner): hidden from
# every role of the matrix (matrix.SEES_IN), whatever the operation.
UNSEEN = ("families", "people", "episodes", "assessments", "plans", "plan-actions", "reviews")


@pytest.fixture
def matrix(db):
    from earlyhelp.core.tests.security.matrix import build_matrix

    return build_matrix()


@pytest.fixture
def who(matrix, role) -> Caller:
    """`role` is the test's parameter."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from earlyhelp.core.testing.two_factor import verified_login

    user = matrix.users[role]
    client = verified_login(Client(), user)
    return Caller(
        role=role,
        user=user,
        session=client.cookies["sessionid"].value,
        csrf=_get_new_csrf_string(),
        unseen={resource: matrix.ids[resource]["out"] for resource in UNSEEN},
    )


@pytest.fixture
def api_schema(who, examples):
    """The schema, served in-process, with the role's session as the `cookieAuth` credential:
    schemathesis then knows the request is signed in (ignored_auth probes without it) and
    drops it itself in the negative cases that test a missing cookie."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict({
        "seed": 11,
        "generation": {"mode": "all", "max-examples": examples},
        "auth": {"openapi": {"cookieAuth": {"api_key": who.session}}},
    })
    schema = schemathesis.openapi.from_dict(raw_schema(), config=config)
    schema.app = get_wsgi_application()
    return schema
