"""Shared API plumbing: audited list/retrieve, service calls, input validation, versions."""

import re

from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from earlyhelp.access.scoping import get_visible_or_404
from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction

from .errors import PreconditionRequired
from .input_types import wrong_types
from .schema import VERSION_MARK


def validated(serializer_class, data, *, partial: bool = False, **context):
    """Every API input: types the schema refuses (text given as a number, an object for a list
    of ids) are a 400 before the serializer reads the body (api.input_types)."""
    serializer = serializer_class(data=data, context=context, partial=partial)
    if (errors := wrong_types(serializer, data)) is not None:
        raise ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def audit_search(request, object_type: str) -> None:
    """A list call is a search of people's records: audit it with its query."""
    audit.record(
        user=request.user,
        action=AuditAction.SEARCH,
        object_type=object_type,
        detail=request.get_full_path()[:300],
    )


def scoped_pk(queryset, pk, field: str):
    """Resolve an id given in a request body against the user's scope (400 if not visible)."""
    try:
        return get_visible_or_404(queryset, pk=pk)
    except Http404 as exc:
        raise ValidationError(
            {field: "Not found, or not one you have access to"}, code="does_not_exist"
        ) from exc


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id in input that must resolve inside the requesting user's scope."""

    def __init__(self, scope, model, **kwargs):
        self.scope = scope
        kwargs.setdefault("pk_field", serializers.UUIDField())
        kwargs["queryset"] = model.objects.none()  # replaced per request by the user's scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


# A record's id in a URL: only a well-formed UUID reaches the view (anything else is a 404 from
# the URL resolver, as for the ModelViewSets' `format: uuid`), never a 400 from parsing it.
UUID_LOOKUP = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

_ETAG = re.compile(r'\s*(?:W/)?"(\d+)"\s*')


@extend_schema_field({"type": "integer", "minimum": 1, VERSION_MARK: True})
class VersionField(serializers.IntegerField):
    """Optional to the serializer (If-Match may carry it instead), but the schema lists it as
    required: a body without it and without If-Match is a 428 (see api.schema)."""


def version_field(**kwargs):
    """The `version` input of an edit: the version of the record the caller read."""
    kwargs.setdefault("help_text", "The version you read (or send If-Match with the ETag). "
                      "Missing: 428; stale: 409.")
    return VersionField(required=False, min_value=1, **kwargs)


def read_version(request, data: dict) -> int:
    """The version an edit was made from: `version` in the body, or If-Match: "<version>" with
    the ETag a detail response sent. Neither is a 428 – an edit never overwrites blind."""
    in_body = data.pop("version", None)
    header = request.headers.get("If-Match")
    in_header = None
    if header:
        match = _ETAG.fullmatch(header)
        if not match:
            raise ValidationError(
                {"If-Match": ['Send the ETag of the record you read, for example "3".']}
            )
        in_header = int(match[1])
    if in_body is None and in_header is None:
        raise PreconditionRequired()
    if in_body is not None and in_header is not None and in_body != in_header:
        raise ValidationError({"version": ["The version and the If-Match header disagree."]})
    return in_body if in_body is not None else in_header
