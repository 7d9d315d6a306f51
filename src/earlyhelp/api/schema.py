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


_TEXT = {"type": "string", "pattern": "\\S"}  # not blank: the server trims whitespace
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


def _not_blank(schemas: dict) -> None:
    """DRF trims text before it checks it is not blank: a required text of only whitespace
    (even \\x1e) is refused, so the schema says such text has a non-space character."""
    for name, component in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            if (prop.get("type") == "string" and prop.get("minLength", 0) >= 1
                    and not {"format", "enum", "pattern"} & set(prop)):
                prop["pattern"] = _TEXT["pattern"]


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
    ref = body.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    rule = RULES.get(ref.rsplit("/", 1)[-1], {})
    if "anyOf" in rule or "oneOf" in rule:
        body["required"] = True


def error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    _apply_rules(schemas)
    _not_blank(schemas)
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
    return result
