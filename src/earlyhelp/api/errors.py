"""API errors: one JSON shape for every refusal and failure.

    {"status": 409, "code": "stale_edit", "detail": "A message a practitioner understands"}

plus `"errors": {"<field>": ["message", ...]}` on a 400 (nested fields by dotted path, e.g.
`new_members.0.person.date_of_birth`). DRF's exceptions pass through `exception_handler`; what
happens outside DRF (unknown URLs, a body over the size cap, an unhandled exception, a session
that expired) is put in the same shape by `ApiErrorMiddleware`.
"""

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from earlyhelp.core.errors import IllegalMove

logger = logging.getLogger("earlyhelp.api")

API_PREFIX = "/api/"
# Served by drf-spectacular as documents, not API calls: left alone.
DOCUMENT_PREFIXES = ("/api/schema/", "/api/docs/")

DEFAULT_CODES = {
    400: ("invalid", "The request has errors: see the message for each field."),
    401: ("not_authenticated", "Sign in first."),
    403: ("permission_denied", "You do not have permission to do this."),
    404: ("not_found", "Not found, or not one you have access to."),
    405: ("method_not_allowed", "This address does not accept that method."),
    409: ("conflict", "The record is not in a state that allows this."),
    412: ("stale_edit", "The record was changed by someone else after you read it."),
    413: ("too_large", "The request is too large."),
    415: ("unsupported_media_type", "Send the request body as JSON (application/json)."),
    428: ("version_required", "Send the version you read (the `version` field or If-Match)."),
    429: ("throttled", "Too many requests: wait a moment and try again."),
    500: ("server_error", "Something went wrong on our side. It has been logged."),
    503: ("unavailable", "The service is unavailable for a moment: try again shortly."),
}


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "version_required"
    default_detail = (
        "Send the version of the record you read: the `version` field, or an If-Match header "
        "with the ETag from the record. Without it your change could overwrite someone else's."
    )


class PayloadTooLarge(APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "The request is too large."


def too_large_detail() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is larger than the limit of {limit:,} bytes."


def body(status_code: int, code: str | None = None, detail: str | None = None,
         errors: dict | None = None) -> dict:
    default_code, default_detail = DEFAULT_CODES.get(
        status_code, ("error", "The request could not be completed.")
    )
    out = {"status": status_code, "code": code or default_code, "detail": detail or default_detail}
    if status_code == 400:
        out["errors"] = errors or {"non_field_errors": [out["detail"]]}
    return out


def response(status_code: int, code: str | None = None, detail: str | None = None,
             errors: dict | None = None, headers: dict | None = None) -> JsonResponse:
    reply = JsonResponse(body(status_code, code, detail, errors), status=status_code)
    for name, value in (headers or {}).items():
        reply[name] = value
    return reply


def flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"dotted.path": ["message", ...]}."""
    if isinstance(errors, dict):
        out = {}
        for key, value in errors.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(errors, list):
        if all(not isinstance(item, (dict, list)) for item in errors):
            return {prefix or "non_field_errors": [str(item) for item in errors]} if errors else {}
        out = {}
        for index, item in enumerate(errors):
            out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(errors)]}


def _first_code(exc) -> str | None:
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    while isinstance(codes, (list, dict)):
        if not codes:
            return None
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes


def _leaf_codes(exc) -> set:
    """Every error code in a ValidationError: {"does_not_exist"} when each field names a
    record that does not exist or is out of the caller's scope (ids are not guessable, so the
    schema cannot say which exist)."""
    codes, stack = set(), [exc.get_codes()]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            codes.add(item)
    return codes


def exception_handler(exc, context):
    if isinstance(exc, IllegalMove):
        return _drf(409, exc.code, exc.message)
    if isinstance(exc, RequestDataTooBig):
        return _drf(413, "too_large", too_large_detail())
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError(exc.message_dict)
        else:
            exc = ValidationError({"non_field_errors": exc.messages})
    reply = drf_exception_handler(exc, context)
    if reply is None:
        return None  # unhandled: ApiErrorMiddleware answers a JSON 500
    if isinstance(exc, ValidationError):
        errors = flatten(reply.data)
        code = "unknown_reference" if _leaf_codes(exc) == {"does_not_exist"} else "invalid"
        reply.data = body(400, code, _summary(errors), errors)
    else:
        detail = reply.data.get("detail") if isinstance(reply.data, dict) else None
        code = _first_code(exc) if isinstance(exc, APIException) else None
        reply.data = body(reply.status_code, code, str(detail) if detail else None)
    return reply


def _summary(errors: dict) -> str:
    fields = [name for name in errors if name != "non_field_errors"]
    if not fields:
        return "; ".join(errors.get("non_field_errors", [])) or DEFAULT_CODES[400][1]
    return "Check these fields: " + ", ".join(fields) + "."


def _drf(status_code, code, detail):
    from rest_framework.response import Response

    return Response(body(status_code, code, detail), status=status_code)


class ApiErrorMiddleware:
    """Under /api/: refuse NUL bytes in query strings and bodies over the size cap before any
    view runs, answer an unhandled exception with a JSON 500 (logged, no traceback), and put
    any error response not already in the shape (unknown URL, a 401 from a session limit, …)
    into it."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _applies(request) -> bool:
        path = request.path_info
        return path.startswith(API_PREFIX) and not path.startswith(DOCUMENT_PREFIXES)

    def __call__(self, request):
        if not self._applies(request):
            return self.get_response(request)
        refusal = self._refuse_early(request)
        if refusal is not None:
            return refusal
        reply = self.get_response(request)
        if reply.status_code >= 400 and not _is_shaped(reply):
            return self._reshape(reply)
        _etag(reply)
        return reply

    @staticmethod
    def _refuse_early(request):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            # A document upload (the only multipart body; elsewhere a 415 unread): the file
            # may be as large as the documents' cap, plus room for the form's other fields.
            limit = max(limit, settings.DOCUMENTS_MAX_BYTES + 64 * 1024)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return response(413, "too_large",
                            f"The request body is larger than the limit of {limit:,} bytes.")
        errors = {
            name: ["Remove the NUL character (\\x00): it is not allowed in text."]
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
        if errors:
            return response(400, "invalid", _summary(errors), errors)
        return None

    def process_exception(self, request, exception):
        if not self._applies(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return response(413, "too_large", too_large_detail())
        logger.exception("Unhandled error in %s %s", request.method, request.path_info)
        return response(500)

    @staticmethod
    def _reshape(reply):
        status_code = reply.status_code
        detail = data = None
        if reply.get("Content-Type", "").startswith("application/json"):
            try:
                data = json.loads(reply.content)
                detail = data.get("detail") if isinstance(data, dict) else None
                code = data.get("code") if isinstance(data, dict) else None
            except ValueError:
                code = None
        else:
            code = None
        headers = {name: reply[name] for name in ("Allow", "Retry-After", "WWW-Authenticate")
                   if reply.has_header(name)}
        shaped = response(status_code, code, detail if isinstance(detail, str) else None,
                          headers=headers)
        if isinstance(data, dict):  # a view's own JSON body: keep what it said, add the shape
            shaped = JsonResponse({**data, **json.loads(shaped.content)}, status=status_code)
            for name, value in headers.items():
                shaped[name] = value
        for cookie in reply.cookies.values():  # e.g. the session cookie a sign-out clears
            shaped.cookies[cookie.key] = cookie
        return shaped


def _etag(reply) -> None:
    """A record's ETag is its version: send it with the record (detail reads and writes), so
    an edit can carry it back in If-Match."""
    data = getattr(reply, "data", None)
    if reply.status_code in (200, 201) and isinstance(data, dict) and "id" in data:
        version = data.get("version")
        if isinstance(version, int):
            reply["ETag"] = f'"{version}"'


def _is_shaped(reply) -> bool:
    if not reply.get("Content-Type", "").startswith("application/json"):
        return False
    data = getattr(reply, "data", None)
    if isinstance(data, dict):
        return "status" in data and "code" in data and "detail" in data
    try:
        parsed = json.loads(reply.content)
    except ValueError:
        return False
    return isinstance(parsed, dict) and {"status", "code", "detail"} <= set(parsed)


OPENAPI_ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 412, 413, 415, 428, 429, 500, 503]
