"""GET /api/families/{family_id}/access-log/ – who viewed, searched, changed or shared a
household's record, and when (managers of the service that holds the family)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from earlyhelp.api.router import router
from earlyhelp.core.models import AuditEvent

from . import selectors


class AccessLogOutput(serializers.ModelSerializer):
    user = serializers.UUIDField(source="user_id", allow_null=True)
    user_name = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "user",
            "username",
            "user_name",
            "role",
            "action",
            "object_type",
            "object_id",
            "person_id",
            "reason",
            "detail",
        ]

    def get_user_name(self, event) -> str:
        return event.user.display_name if event.user_id else ""

    def get_role(self, event) -> str:
        return event.user.get_role_display() if event.user_id else ""


@extend_schema(
    parameters=[
        OpenApiParameter("family_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
    ]
)
class FamilyAccessLogViewSet(viewsets.GenericViewSet):
    """Who has looked at this family's record: every audit row about the household or its
    members, newest first. Team managers only, for families in their service."""

    serializer_class = AccessLogOutput
    queryset = AuditEvent.objects.none()  # for the schema; list() reads through the selector

    def list(self, request, family_id=None):
        _family, events = selectors.family_access_log(user=request.user, family_id=family_id)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


router.register(
    r"families/(?P<family_id>[^/.]+)/access-log",
    FamilyAccessLogViewSet,
    basename="family-access-log",
)
