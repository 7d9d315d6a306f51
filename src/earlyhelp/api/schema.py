"""OpenAPI: the error shape as one shared component, documented on every operation.

A drf-spectacular postprocessing hook, so no view has to repeat it: every operation may answer
401/403 (sign-in, two-factor, role), 413 (body over the cap), 429 and 500; those with a body
400 (field errors), 409 (a refused move or a stale version), 415 and 428 (version missing);
lists with filters 400 (a value they cannot read); every operation 404 (an id in the path, a
page past the end, a record named in a filter that the caller cannot see).

An edit's `version` (api.base.VersionField) is listed as required: without it, or If-Match,
the edit is a 428.
"""

from .errors import DEFAULT_CODES

ERROR = {
    "type": "object",
    "description": "Every API error. `errors` (field → messages, nested fields by dotted "
    "path) comes with a 400 only.",
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status, repeated"},
        "code": {"type": "string", "description": "a short slug, e.g. stale_edit; on a 400, "
                 "`unknown_reference` when every error names a record that does not exist or "
                 "that the caller may not see, otherwise `invalid`"},
        "detail": {"type": "string", "description": "a message a practitioner understands"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["status", "code", "detail"],
}
ALWAYS = (401, 403, 404, 413, 429, 500)
VERSION_MARK = "x-earlyhelp-version"
PAGING = ("page", "page_size")  # an empty page is a 400; an empty filter value, no filter
WITH_BODY = (400, 409, 415, 428)


def _given(name: str, **schema) -> dict:
    """`name` is present with a value the server counts as given (not null, not blank)."""
    return {"required": [name], "properties": {name: schema or {"type": "string"}}}


# Text never holds NUL (api.parsers: PostgreSQL cannot store it, so a NUL anywhere in a body –
# a value or a key – is a 400); required text has a character that is not a space (the server
# trims whitespace before it checks it is not blank).
_NO_NUL = "^[^\\x00]*$"
_TEXT = {"type": "string", "pattern": "^[^\\x00]*[^\\s\\x00][^\\x00]*$"}
_SOME = {"type": "array", "minItems": 1}
_BOTH_DATES = {"not": {"allOf": [_given("date_of_birth"), _given("expected_date_of_birth")]}}

# The rules a serializer's validate() applies across fields, said in the schema so a client
# (and schemathesis) can tell a request the server accepts. Keyed by component name; a
# component that is renamed fails the schema build (KeyError) rather than losing its rule.
RULES = {
    "PersonInputRequest": {"allOf": [_BOTH_DATES, {"anyOf": [
        _given("date_of_birth"), _given("expected_date_of_birth")]}]},
    "PatchedPersonUpdateInputRequest": _BOTH_DATES,
    "MatchInputRequest": {"anyOf": [
        _given("nhs_number", **_TEXT), _given("upn", **_TEXT),
        {"allOf": [_given("name", **_TEXT), _given("date_of_birth")]}]},
    "ActionInputRequest": {"anyOf": [_given("owner"), _given("owner_name", **_TEXT)]},
    "TafMemberInputRequest": {"anyOf": [_given("user"), _given("name", **_TEXT)]},
    "MemberInputRequest": {"oneOf": [_given("person"), _given("new_person", type="object")]},
    "NewFamilyInputRequest": {"properties": {"members": {"minItems": 1}}},
    "StepDownInputRequest": {"allOf": [
        {"oneOf": [_given("family"), _given("new_family", type="object")]},
        {"not": {"allOf": [_given("new_family", type="object"),
                           _given("focus_children", **_SOME)]}}]},
    "ContactInputRequest": {"allOf": [
        {"not": {"allOf": [_given("family"), _given("new_family", type="object")]}},
        {"not": {"allOf": [_given("matched_people", **_SOME),
                           _given("new_family", type="object")]}},
        {"anyOf": [_given("people", **_SOME), _given("new_members", **_SOME),
                   _given("matched_people", **_SOME)]},
        {"anyOf": [{"not": _given("new_members", **_SOME)}, _given("family"),
                   _given("new_family", type="object"), _given("matched_people", **_SOME)]}]},
}


def _text_rules(schemas: dict) -> None:
    """What the server refuses in text, said in the schema of every input: NUL in a value
    (api.parsers; NUL in a key, also refused, OpenAPI 3.0 cannot say – no propertyNames), and – DRF trims text before it checks it is not blank – a required text
    of only whitespace (even \\x1e)."""
    for name, component in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
                prop = prop["items"]
            if prop.get("type") != "string" or {"format", "enum", "pattern"} & set(prop):
                continue
            prop["pattern"] = _TEXT["pattern"] if prop.get("minLength", 0) >= 1 else _NO_NUL


def _apply_rules(schemas: dict) -> None:
    for name, rule in RULES.items():
        component = schemas[name]
        for prop, extra in rule.get("properties", {}).items():
            component["properties"][prop].update(extra)
        for key in ("allOf", "anyOf", "oneOf", "not"):
            if key in rule:
                component[key] = rule[key]


def _body_required_by_rule(operation: dict) -> None:
    """A body whose rule asks for one field or another cannot be left out (an empty POST to
    match-people is refused), though none of its fields is required on its own."""
    body = operation.get("requestBody")
    if not body:
        return
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    rule = RULES.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)  # or an inline schema
    if "anyOf" in rule or "oneOf" in rule:
        body["required"] = True


# OpenAPI links: the record a create answers with (201, its `id`) is the one the linked
# operations take in their path – what schemathesis's stateful phase follows, and what a client
# reads as "then". Keyed by operationId; a renamed operation fails the schema build (KeyError).
LINKS = {
    "contacts_create": ("contacts_retrieve", "contacts_triage_create", "contacts_withdraw_create"),
    "episodes_step_down_create": ("episodes_retrieve", "episodes_allocate_create",
                                  "episodes_notes_create", "episodes_close_create"),
    "families_create": ("families_retrieve", "families_members_create"),
    "assessments_create": ("assessments_retrieve", "assessments_needs_create",
                           "assessments_complete_create"),
    "plans_create": ("plans_retrieve", "plans_actions_create"),
    "reviews_create": ("reviews_retrieve",),
    "directory_referrals_create": ("directory_referrals_retrieve",
                                   "directory_referrals_accept_create"),
    "panels_cases_create": ("panels_cases_retrieve", "panels_cases_decide_create"),
    "results_claims_create": ("results_claims_retrieve",),
}


def _add_links(result: dict) -> None:
    operations = {op["operationId"]: op for ops in result.get("paths", {}).values()
                  for op in ops.values()}
    schemas = result["components"]["schemas"]
    for source, targets in LINKS.items():
        created = operations[source]["responses"]["201"]
        ref = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "id" in schemas[ref]["properties"], ref  # the link reads the body's id
        created["links"] = {
            operations[target]["operationId"]: {
                "operationId": target,
                "parameters": {"path.id": "$response.body#/id"},
            }
            for target in targets
        }


def error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    _apply_rules(schemas)
    _text_rules(schemas)
    for component in schemas.values():
        for name, prop in component.get("properties", {}).items():
            if prop.pop(VERSION_MARK, False) and not prop.get("readOnly"):
                component["required"] = sorted({*component.get("required", []), name})
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = list(ALWAYS)
            if method in ("post", "put", "patch"):
                codes += WITH_BODY
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            for parameter in operation.get("parameters", []):
                if (parameter.get("in") == "query" and parameter["name"] not in PAGING
                        and not parameter.get("required")):
                    parameter["allowEmptyValue"] = True  # `?team=` is no filter, not an error
            if method == "get" and query - {"page"}:
                codes.append(400)  # a filter value (or page size) it cannot read
            _body_required_by_rule(operation)
            responses = operation.setdefault("responses", {})
            for code in codes:
                existing = responses.get(str(code))
                if existing and "$ref" not in str(existing.get("content", {})):
                    # A view's own 400 body (e.g. an import's problem list): keep its schema
                    # but say it carries the error shape too.
                    schema = existing.get("content", {}).get("application/json", {}).get(
                        "schema")
                    if schema is not None:
                        existing["content"]["application/json"]["schema"] = {
                            "allOf": [ref, schema]
                        } if schema.get("type") == "object" and schema.get("properties") else ref
                    continue
                responses.setdefault(str(code), {
                    "description": DEFAULT_CODES[code][1],
                    "content": {"application/json": {"schema": ref}},
                })
    _add_links(result)
    return result
