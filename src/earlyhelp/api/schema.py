"""OpenAPI: the error shape as one shared component, documented on every operation.

A drf-spectacular postprocessing hook, so no view has to repeat it: every operation may answer
401/403 (sign-in, two-factor, role), 413 (body over the cap), 429 and 500; those with a body
400 (field errors), 409 (a refused move or a stale version), 415 and 428 (version missing);
lists with filters 400 (a value they cannot read); those with an id in the path, and pages
of a list, 404.
"""

from .errors import DEFAULT_CODES

ERROR = {
    "type": "object",
    "description": "Every API error. `errors` (field → messages, nested fields by dotted "
    "path) comes with a 400 only.",
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status, repeated"},
        "code": {"type": "string", "description": "a short slug, e.g. stale_edit"},
        "detail": {"type": "string", "description": "a message a practitioner understands"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["status", "code", "detail"],
}
ALWAYS = (401, 403, 413, 429, 500)
WITH_BODY = (400, 409, 415, 428)


def error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = list(ALWAYS)
            if method in ("post", "put", "patch"):
                codes += WITH_BODY
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            if method == "get" and query - {"page"}:
                codes.append(400)  # a filter value (or page size) it cannot read
            if "{" in path or "page" in query:
                codes.append(404)  # an unknown id, or a page past the end
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
