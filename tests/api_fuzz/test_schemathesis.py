"""schemathesis against the OpenAPI schema, in-process (WSGI), authenticated as two users of
different teams: no server errors, no responses outside the schema, and neither user ever
gets a 200 for the other's families, episodes or other records.

Every operation in the schema is fuzzed (a new endpoint is included the day it is added) with
a small fixed number of examples, derandomised, so a run is repeatable and quick. The
operations are driven from one test (schemathesis's lazy pytest loader does not yet work with
pytest 9); the failures of every operation are reported together.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

pytestmark = pytest.mark.fuzz

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 3


def _fuzz(operation, callers, failures, seen):
    a, b = callers
    crossed = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Our callers' session cookies only: no generated credentials (Basic, cookies).
        case.headers = {
            k: v
            for k, v in (case.headers or {}).items()
            if k.lower() not in ("authorization", "cookie", "x-csrftoken")
        }
        case.cookies = {}
        for caller in (a, b):
            response = case.call(headers=caller.headers, cookies=caller.cookies)
            seen[(caller.user.username, response.status_code)] += 1
            case.validate_response(response, checks=CHECKS)
        if not case.path_parameters or crossed:
            return
        crossed.append(True)  # once per operation: the ids, not the bodies, matter here
        # Each user, asking for the other's records by id: never a 200, never a 5xx.
        for caller, other in ((a, b), (b, a)):
            for record_id in (*other.family_ids, *other.episode_ids, *other.other_ids):
                case.path_parameters = {name: str(record_id) for name in case.path_parameters}
                response = case.call(headers=caller.headers, cookies=caller.cookies)
                assert response.status_code != 200 and response.status_code < 500, (
                    f"{caller.user.username} got {response.status_code} for "
                    f"{other.user.username}'s record: {case.method} {case.formatted_path}"
                )

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect them all
        failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")


def test_api_fuzz(api_schema, callers):
    failures = []
    seen = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not a fragment
    for operation in operations:
        _fuzz(operation, callers, failures, seen)
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
    # Both users really were signed in (two-factor verified) and reached their own records.
    for caller in callers:
        assert seen[(caller.user.username, 200)] >= 10, seen
        assert seen[(caller.user.username, 403)] < seen[(caller.user.username, 200)], seen
