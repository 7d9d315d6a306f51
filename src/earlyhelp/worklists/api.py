"""API for worklists: the caseload (the open episodes the signed-in user, or a member of a
manager's team, leads)."""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError

from earlyhelp.access import policy
from earlyhelp.api.base import audit_search
from earlyhelp.api.router import router
from earlyhelp.cases.api import EpisodeListOutput
from earlyhelp.cases.models import Episode
from earlyhelp.core.models import User

from . import selectors as worklists


class CaseloadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The open episodes the signed-in user leads."""

    serializer_class = EpisodeListOutput
    queryset = Episode.objects.none()  # for the schema only; get_queryset() scopes every read

    def get_queryset(self):
        worker = self._worker(self.request)
        return worklists.caseload(user=self.request.user, worker=worker).select_related(
            "lead_practitioner"
        )

    @staticmethod
    def _worker(request):
        """The lead practitioner asked for: yourself, or – for a team manager – a member of
        their team or service. Anyone else is refused (never silently ignored)."""
        wanted = request.query_params.get("lead_practitioner")
        if not wanted:
            return None
        other = (
            User.objects.filter(pk=wanted).select_related("team").first()
            if _is_uuid(wanted)
            else None
        )
        if other is None or not policy.can(request.user, policy.Action.SEE_CASELOAD_OF, other):
            raise ValidationError(  # one answer: malformed, no such user, or out of scope
                {
                    "lead_practitioner": [
                        "You can see your own caseload, and a team manager the caseloads of their "
                        "team's staff"
                    ]
                },
                code="does_not_exist",
            )
        return other

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lead_practitioner", OpenApiTypes.UUID,
                description="a team member's id (team managers)"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        audit_search(request, "cases.caseload")
        return super().list(request, *args, **kwargs)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


router.register("caseload", CaseloadViewSet, basename="caseload")
