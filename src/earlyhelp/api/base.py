"""Shared API plumbing: audited list/retrieve, service calls, input validation."""

from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from earlyhelp.access.scoping import get_visible_or_404
from earlyhelp.core import audit
from earlyhelp.core.models import AuditAction


def validated(serializer_class, data, **context):
    serializer = serializer_class(data=data, context=context)
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
        raise ValidationError({field: "Not found, or not one you have access to"}) from exc


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id in input that must resolve inside the requesting user's scope."""

    def __init__(self, scope, model, **kwargs):
        self.scope = scope
        kwargs.setdefault("pk_field", serializers.UUIDField())
        kwargs["queryset"] = model.objects.none()  # replaced per request by the user's scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)
