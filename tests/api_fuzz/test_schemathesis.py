"""schemathesis against the OpenAPI schema, in-process (WSGI), as each casework role of the
access matrix – one test per role, so a failure names the role.

Per role: every operation through schemathesis's examples and fuzzing phases (positive and
negative data) and a bounded run of its stateful phase (links in the schema, api.schema.LINKS),
with every check that applies (CHECKS below; each one off says why). Then the crossed-ids
check: the role asks every operation with an id in its path for the records of a household
no role may see – never a 2xx, never a 5xx.

Derandomised, with a fixed number of examples, so a run is repeatable and bounded (CI):
see docs/security.md "Fuzzing the API" for the time. The operations are driven from one test
per role (schemathesis's lazy pytest loader does not yet work with pytest 9); the failures of
every operation are reported together.
"""

from collections import Counter

import hypothesis
import pytest
from hypothesis import HealthCheck, Phase
from schemathesis.checks import load_all_checks
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from earlyhelp.core.models import Role
from earlyhelp.testing.api_fuzz import positive_data_acceptance_known_records

pytestmark = pytest.mark.fuzz
load_all_checks()
from schemathesis.checks import CHECKS as REGISTRY  # noqa: E402 - filled by load_all_checks

# schemathesis's full check list (4.32): on, or off with the reason.
ON = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    # as positive_data_acceptance_known_records: the 400s no OpenAPI 3.0 schema can rule out
    # (an unknown id, NUL in a key, the Open Referral standard's rules) – testing.api_fuzz
    "positive_data_acceptance",
    # These three judge the coverage phase's cases (a header left out, an undocumented method,
    # OPTIONS): on, but they only act in `make api-fuzz` – the coverage phase is too big for CI.
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",  # stateful: the API deletes nothing it lists, so this guards the future
    "ensure_resource_availability",  # stateful: a created record is there at its link
    "ignored_auth",  # probes each operation once without the session cookie
]
OFF = {
    # Needs two identities that create objects and swap them, from the engine's own
    # multi-auth run; our crossed-ids check below does this against the access matrix.
    "object_level_authorization": "cross-identity run of the CLI engine only",
}
EXAMPLES = 2  # per operation and role, positive or negative (plus the schema's own examples)
STATEFUL = {"max_examples": 3, "stateful_step_count": 4}  # scenarios × steps, per role


CHECKS = [REGISTRY.get_one(name) for name in ON if name != "positive_data_acceptance"] + [
    positive_data_acceptance_known_records
]


@pytest.fixture
def examples():
    return EXAMPLES


def test_the_check_list_is_complete():
    """A schemathesis upgrade that adds a check fails here until it is put on or off."""
    assert set(REGISTRY.get_all_names()) == set(ON) | set(OFF)


SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
)


def _failure_lines(label: str, error: BaseException) -> list[str]:
    errors = getattr(error, "exceptions", None) or [error]
    notes = "\n".join(getattr(error, "__notes__", []))
    return [f"{label}: {type(e).__name__}: {str(e)[:1200]}\n{notes}" for e in errors]


def _validate(case, response, who, **kwargs):
    """Every check; a failure says which request it was."""
    try:
        case.validate_response(response, checks=CHECKS, headers=who.headers, **kwargs)
    except (Exception, BaseExceptionGroup) as error:
        body = "" if case.body is None else f" {str(case.body)[:300]}"
        error.add_note(f"{case.method} {case.formatted_path} {case.query or ''}{body}"
                       f" -> {response.status_code} {response.text[:300]}")
        raise


def _fuzz(schema, operation, who, failures, seen):
    def run(case):
        response = case.call(headers=who.headers, cookies=who.cookies)
        seen[response.status_code // 100] += 1
        _validate(case, response, who)

    config = HypothesisTestConfig(
        project=schema.config,
        modes=[HypothesisTestMode.EXAMPLES, HypothesisTestMode.FUZZING],
        settings=hypothesis.settings(max_examples=EXAMPLES, **SETTINGS),
    )
    try:
        create_test(operation=operation, test_func=run, config=config)()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect them all
        failures.extend(_failure_lines(operation.label, error))


def _crossed(operation, who, failures):
    """The role asks for the hidden household's records by id: never 2xx, never 5xx. A path
    of one of those resources (/api/plans/{id}/…) gets that resource's record; every other
    path the family and the episode (the ids a view could most easily take for its own)."""
    names = [p.name for p in operation.iter_parameters() if p.location.value == "path"]
    if not names:
        return
    resource = operation.path.split("/")[2]
    wanted = [resource] if resource in who.unseen else ["families", "episodes"]
    case = operation.Case()
    for name in wanted:
        case.path_parameters = dict.fromkeys(names, str(who.unseen[name]))
        response = case.call(headers=who.headers, cookies=who.cookies)
        if response.status_code < 300 or response.status_code >= 500:
            failures.append(
                f"{operation.label}: {who.role} got {response.status_code} for the hidden "
                f"household's {name} ({case.formatted_path})"
            )


def _stateful(schema, who, failures, seen):
    base = schema.as_state_machine()

    class AsRole(base):
        def get_call_kwargs(self, case):
            return {"headers": who.headers, "cookies": who.cookies}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            seen[response.status_code // 100] += 1
            _validate(case, response, who, transport_kwargs=kwargs or None,
                      recorder=self.recorder)

    try:
        AsRole.run(settings=hypothesis.settings(**STATEFUL, **SETTINGS))
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001
        failures.extend(_failure_lines("stateful", error))


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_api_fuzz(api_schema, who, role):
    schema = api_schema
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not a fragment
    failures, seen = [], Counter()
    for operation in operations:
        _fuzz(schema, operation, who, failures, seen)
        _crossed(operation, who, failures)
    _stateful(schema, who, failures, seen)
    assert not failures, f"{role}: {len(failures)} failure(s):\n\n" + "\n\n".join(failures)
    # The role really was signed in (two-factor verified) and reached records.
    assert seen[2] >= 10, seen
