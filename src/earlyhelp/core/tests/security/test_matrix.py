"""The access matrix: every role × every API operation in the OpenAPI schema × an in-scope
record, an out-of-scope record, a guessed id and a malformed id; and the pages in PAGES.

The operations come from the schema, so a new endpoint is in the matrix the day it is added:
its guessed ids must be 404, and a detail endpoint whose resource has no records in
matrix.py fails `test_every_endpoint_has_records_in_the_matrix` until someone adds them.
Every response is also searched for the ids of records the role must not see.
"""

import functools
import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from earlyhelp.core.testing.two_factor import verified_login

from .matrix import (
    ACTORS,
    APP_RULES,
    CREATES,
    MULTIPART,
    NO_RECORD_ACTORS,
    PAGES,
    OPEN_PAGES,
    POLICY_DOORS,
    ROLES,
    build_matrix,
)

PARAM = re.compile(r"\{(\w+)\}")
METHODS = ("get", "post", "put", "patch", "delete")


@functools.lru_cache(maxsize=1)
def operations() -> tuple:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                ops.append((path, method))
    return tuple(sorted(ops))


def resource_of(path: str) -> str:
    """/api/episodes/{id}/close/ -> episodes; /api/families/{family_id}/access-log/ ->
    families/access-log; /api/panels/cases/{id}/ -> panels/cases."""
    before, _, after = path.removeprefix("/api/").partition("{")
    base = before.strip("/")
    if after and PARAM.search(path).group(1) != "id":
        base += "/" + after.split("}/", 1)[1].strip("/").split("/")[0]
    return base


def fill(path: str, value) -> str:
    return PARAM.sub(str(value), path)


def call(client, method, url, body=None, path=None):
    kwargs = {"format": "json"} if method in ("post", "put", "patch") else {}
    if (path, method) in MULTIPART:
        kwargs["format"] = "multipart"
    if body is not None:
        kwargs["data"] = body
    return getattr(client, method)(url, **kwargs)


@pytest.fixture
def media(settings, tmp_path):
    """The matrix's documents are kept in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def matrix(db, media):
    return build_matrix()


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_every_endpoint_has_records_in_the_matrix(db, media):
    m = build_matrix()
    missing = sorted(
        {
            resource_of(path)
            for path, _ in operations()
            if PARAM.search(path)
            and resource_of(path) not in m.ids
            and resource_of(path) not in m.public
        }
    )
    assert not missing, f"Add records for these resources to matrix.py: {missing}"
    unlisted = sorted(
        f"{method.upper()} {path}"
        for path, method in operations()
        if PARAM.search(path) and method != "get" and (path, method) not in ACTORS
    )
    assert not unlisted, f"Say who may do these actions in matrix.ACTORS: {unlisted}"


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(role, matrix):
    m = matrix
    client = api_client(m.users[role])
    forbidden = m.forbidden_ids(role)
    problems = []

    def check(label, response, expected):
        # A download streams its file: searched for leaks like any other body.
        raw = (b"".join(response.streaming_content) if response.streaming
               else response.content)
        body = raw.decode(errors="replace")
        ok = (
            response.status_code in expected
            if isinstance(expected, set)
            else (response.status_code == expected)
        )
        if not ok:
            problems.append(f"{label}: {response.status_code}, expected {expected}: {body[:150]}")
        leaked = [i for i in forbidden if i in body]
        if leaked:
            problems.append(f"{label}: LEAKS out-of-scope ids {leaked}")

    for path, method in operations():
        resource = resource_of(path)
        if not PARAM.search(path):
            if method == "get" and (path, method) in NO_RECORD_ACTORS:
                allowed = role in NO_RECORD_ACTORS[(path, method)]
                check(f"GET {path}", call(client, "get", path), 200 if allowed else 403)
            elif method == "get":  # a list: never another scope's records
                check(f"GET {path}", call(client, "get", path), {200, 400, 403})
            elif (path, method) in NO_RECORD_ACTORS:
                allowed = role in NO_RECORD_ACTORS[(path, method)]
                check(f"{method.upper()} {path} (empty)", call(client, method, path, {}),
                      400 if allowed else 403)
            else:
                check(
                    f"{method.upper()} {path} (empty)",
                    call(client, method, path, {}),
                    {400, 403, 409},
                )
            continue
        for bad in (uuid.uuid4(), "not-a-uuid"):
            check(
                f"{method.upper()} {path} guessed",
                call(client, method, fill(path, bad), {} if method != "get" else None, path),
                404,
            )
        if resource in m.public:
            url = fill(path, m.public[resource])
            if method == "get":
                check(f"GET {path} config", call(client, "get", url), 200)
            else:
                check(
                    f"{method.upper()} {path} config",
                    call(client, method, url, {}),
                    {200, 201, 400, 409} if role in ACTORS[(path, method)] else 403,
                )
            continue
        for which, record_id in m.ids.get(resource, {}).items():
            url = fill(path, record_id)
            label = f"{method.upper()} {path} [{which}]"
            body = None if method == "get" else {}
            if not m.visible(role, resource, which):
                check(label, call(client, method, url, body, path), 404)
            elif ACTORS.get((path, method)) == APP_RULES:
                check(label, call(client, method, url, body, path), {200, 201, 400, 403, 409})
            elif (path, method) in ACTORS:
                allowed = role in ACTORS[(path, method)]
                # 428: an empty edit carries no version – refused for the actor, never written.
                check(
                    label, call(client, method, url, body, path),
                    {200, 201, 400, 409, 428} if allowed else 403,
                )
            else:
                check(label, call(client, method, url, body, path), 200)
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_creates_refuse_out_of_scope_parents_and_write_nothing(role, matrix):
    from earlyhelp.core.models import AuditEvent

    m = matrix
    client = api_client(m.users[role])
    problems = []
    for path, (resource, body_for) in CREATES.items():
        for which in ("in", "out"):
            before = AuditEvent.objects.filter(action="create").count()
            response = client.post(path, body_for(str(m.ids[resource][which]), m), format="json")
            created = AuditEvent.objects.filter(action="create").count() - before
            if which == "out" or not m.visible(role, resource, which):
                if response.status_code not in (400, 403, 404) or created:
                    problems.append(
                        f"POST {path} with {which} {resource}: "
                        f"{response.status_code}, {created} created"
                    )
            elif response.status_code >= 500:
                problems.append(f"POST {path} [{which}]: {response.status_code}")
    assert not problems, "\n".join(problems)


def _page_client(user):
    return verified_login(Client(), user)


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(role, matrix):
    m = matrix
    client = _page_client(m.users[role])
    forbidden = m.forbidden_ids(role)
    problems = []
    for name, kwarg, resource, page_roles in PAGES:
        guessed = client.get(reverse(name, kwargs={kwarg: uuid.uuid4()}))
        if guessed.status_code != 404:
            problems.append(f"{name} guessed id: {guessed.status_code}")
        for which, record_id in m.ids[resource].items():
            response = client.get(reverse(name, kwargs={kwarg: record_id}))
            if not m.visible(role, resource, which):
                expected = 404
            elif page_roles is not None and role not in page_roles:
                expected = 403
            else:
                # A form the record's state no longer calls for (a request already decided)
                # sends the user back to the record: allowed, not refused.
                expected = {200, 302}
            if response.status_code not in (
                expected if isinstance(expected, set) else {expected}
            ):
                problems.append(f"{name} [{which}]: {response.status_code}, expected {expected}")
            leaked = [i for i in forbidden if i in response.content.decode(errors="replace")]
            if leaked:
                problems.append(f"{name} [{which}]: LEAKS {leaked}")
    for name, page_roles, *kwargs in OPEN_PAGES:
        response = client.get(reverse(name, kwargs=kwargs[0] if kwargs else None))
        expected = {200} if role in page_roles else {403, 404}
        if response.status_code not in expected:
            problems.append(f"{name}: {response.status_code}, expected {expected}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


GUESS = {"IntConverter": 1}


def _uuid_routes():
    """Every page URL pattern with uuid parameters (outside /api/), as (name, params): each
    parameter with its converter's class name."""
    from django.urls import URLPattern, URLResolver

    routes = set()

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                converters = getattr(entry.pattern, "converters", {})
                kinds = {k: type(v).__name__ for k, v in converters.items()}
                if "UUIDConverter" in kinds.values() and not (
                    prefix + str(entry.pattern)
                ).startswith("api/"):
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                    routes.add((name, tuple(sorted(kinds.items()))))

    walk(get_resolver().url_patterns, None, "")
    return sorted(routes)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_with_an_id_refuses_a_guessed_one(role, matrix):
    client = _page_client(matrix.users[role])
    problems = []
    for name, params in _uuid_routes():
        # A guessed id for every uuid; any other part (an action's slug) a plain word.
        url = reverse(name, kwargs={
            p: uuid.uuid4() if kind == "UUIDConverter" else GUESS.get(kind, "guess")
            for p, kind in params
        })
        response = client.get(url)
        if response.status_code == 405:  # a form's POST-only endpoint
            response = client.post(url, {})
        if response.status_code not in (403, 404):
            problems.append(f"GET {url} ({name}): {response.status_code}")
    assert not problems, "\n".join(problems)


def test_every_policy_action_is_driven_through_the_api_and_the_pages():
    """The matrix drives the policy table: every action names the doors it is tested through,
    and every door named is one the matrix really calls with per-role expectations."""
    from earlyhelp.access.policy import POLICY

    assert set(POLICY_DOORS) == {str(a) for a in POLICY}
    schema = set(operations())
    pages = {name for name, *_ in PAGES} | {name for name, *_ in OPEN_PAGES}
    problems = []
    for action, doors in POLICY_DOORS.items():
        if isinstance(doors, str):
            continue  # says why it has no door here
        for door in doors:
            if isinstance(door, tuple):
                method, path = door
                if (path, method) not in schema:
                    problems.append(f"{action}: {method} {path} is not in the schema")
                elif method != "get" and (path, method) not in ACTORS | NO_RECORD_ACTORS:
                    problems.append(f"{action}: {method} {path} has no expectations")
            elif door not in pages:
                problems.append(f"{action}: page {door} is not in PAGES")
    assert not problems, "\n".join(problems)


def test_matrix_helpers():
    assert resource_of("/api/episodes/{id}/close/") == "episodes"
    assert resource_of("/api/families/{family_id}/access-log/") == "families/access-log"
    assert resource_of("/api/panels/cases/{id}/") == "panels/cases"
    assert resource_of("/api/contacts/") == "contacts"
    assert json.dumps(fill("/api/x/{id}/", 1)) == '"/api/x/1/"'
