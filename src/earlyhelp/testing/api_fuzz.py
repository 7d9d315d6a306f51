"""schemathesis's positive_data_acceptance check with the refusals that are right, shared by
the in-process fuzz run (tests/api_fuzz) and `make api-fuzz` (scripts/api_fuzz_hooks.py)."""

from schemathesis.checks import load_all_checks

OPEN_REFERRAL_IMPORT = "POST /api/directory/services/openreferral/import/"


def _refused_for_what_no_schema_says(case, body) -> bool:
    """The 400s of schema-valid requests that are right, each for what an OpenAPI 3.0 schema
    cannot say:
    - `unknown_reference`: an id that does not exist or that the caller may not see (the API
      says so only when every field error is of that kind);
    - every error is a NUL in a key of an extra property (api.parsers refuses NUL anywhere;
      NUL in values is in the schema, but keys would need propertyNames, OpenAPI 3.1);
    - the Open Referral import's `problems`: a record breaking the standard's own rules
      (vocabularies, URLs, taxonomies) is listed and nothing is imported."""
    from earlyhelp.api.parsers import NUL_MESSAGE

    if not isinstance(body, dict):
        return False
    errors = body.get("errors") or {}
    return (
        body.get("code") == "unknown_reference"
        or (errors and all(messages == [NUL_MESSAGE] for messages in errors.values()))
        or (case.operation.label == OPEN_REFERRAL_IMPORT and bool(body.get("problems")))
    )


def positive_data_acceptance_known_records(ctx, response, case):
    """positive_data_acceptance, except the 400s above (a plain function: register it with
    schemathesis.check where a CLI run needs it by name)."""
    if response.status_code == 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if _refused_for_what_no_schema_says(case, body):
            return None
    load_all_checks()
    from schemathesis.checks import positive_data_acceptance

    return positive_data_acceptance(ctx, response, case)
