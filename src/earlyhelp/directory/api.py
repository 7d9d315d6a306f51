"""API for the directory (services, Open Referral UK import/export, suggestions) and referrals."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.access.scoping import visible_people
from earlyhelp.api.base import audit_search, scoped_pk, validated
from earlyhelp.api.errors import body as errors_body
from earlyhelp.api.router import router
from earlyhelp.cases.selectors import episode_detail, episode_list
from earlyhelp.thresholds.models import NeedTheme

from . import rules, selectors, services
from .filters import ReferralFilter, ServiceFilter
from .matching import profile_for_episode, suggest_services
from .models import DeclineReason, FinishOutcome, Referral, Service
from .openreferral.export import export_directory
from .openreferral.importer import import_directory


class ServiceOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    unsafe_with = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True,
        help_text="needs themes for which the service is never suggested",
    )
    level_bands = serializers.SerializerMethodField()
    localities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "url",
            "email",
            "phone",
            "status",
            "organisation",
            "organisation_name",
            "provider_kind",
            "themes",
            "unsafe_with",
            "level_bands",
            "minimum_age",
            "maximum_age",
            "borough_wide",
            "localities",
            "capacity",
            "places_in_use",
            "declared_waiting_days",
            "waiting_days",
            "cost_per_family",
            "fees",
            "evidence_rating",
            "evidence_note",
            "attending_type",
            "attending_access",
            "accepts_referrals",
            "assured_date",
        ]

    def get_level_bands(self, service) -> list[str]:
        return [level.band for level in service.levels.all()]


# The shapes the importer reads (openreferral.validate.read_records). A record's own rules
# (vocabularies, URLs, taxonomies, …) are the Open Referral UK standard's: each one broken is
# listed in the 400's `problems`, and nothing is imported.
_ORUK_SERVICE = {"type": "object", "required": ["name"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string", "minLength": 1, "maxLength": 200}}}
OPEN_REFERRAL_IMPORT = {
    "description": "Open Referral UK services: a list, a page ({content: [...]}) or one.",
    "oneOf": [
        {"type": "array", "items": _ORUK_SERVICE},
        {"type": "object", "required": ["content"], "properties": {
            "content": {"type": "array", "items": _ORUK_SERVICE}}},
        {**_ORUK_SERVICE, "not": {"required": ["content"]}},
    ],
}


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The directory's active services (the public feed is /directory/openreferral/services/)."""

    serializer_class = ServiceOutput
    filterset_class = ServiceFilter

    def get_queryset(self):
        return (
            selectors.public_services()
            .select_related("organisation")
            .prefetch_related("themes", "unsafe_with", "localities", "levels")
            .order_by("name", "id")
        )

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="openreferral")
    def export(self, request):
        """Every service (any status) in the Open Referral UK `/services` shape."""
        policy.require(request.user, policy.Action.EXPORT_DIRECTORY)
        return Response(export_directory())

    @extend_schema(
        request={"application/json": OPEN_REFERRAL_IMPORT},
        responses={200: dict, 400: dict},
        parameters=[OpenApiParameter("dry_run", bool)],
    )
    @action(detail=False, methods=["post"], url_path="openreferral/import")
    def import_(self, request):
        """Import Open Referral UK JSON: all records or none; 400 lists every problem."""
        policy.require(request.user, policy.Action.ADMINISTER_DIRECTORY)
        dry_run = request.query_params.get("dry_run") in ("1", "true", "True")
        result = import_directory(request.data, acting_user=request.user, dry_run=dry_run)
        body = {
            "created": result.created,
            "updated": result.updated,
            "dry_run": result.dry_run,
            "warnings": result.warnings,
            "problems": [
                {"record": p.record, "service": p.service, "field": p.field, "message": p.message}
                for p in result.problems
            ],
        }
        if not result.ok:  # the API's error shape, with every problem kept alongside
            errors = {}
            for p in result.problems:
                errors.setdefault(f"records.{p.record}.{p.field}", []).append(p.message)
            body.update(errors_body(400, "invalid", "Nothing was imported: see the problems.",
                                    errors))
        return Response(
            body, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST
        )


class SuggestionOutput(serializers.Serializer):
    rank = serializers.IntegerField()
    service = serializers.UUIDField(source="suggestion.service.id")
    service_name = serializers.CharField(source="suggestion.service.name")
    needs_covered = serializers.SerializerMethodField()
    needs_total = serializers.IntegerField(source="suggestion.needs_total")
    waiting_days = serializers.IntegerField(source="suggestion.waiting_days", allow_null=True)
    evidence_rating = serializers.IntegerField(source="suggestion.evidence_rating", allow_null=True)
    at_capacity = serializers.BooleanField(source="suggestion.at_capacity")
    already_referred = serializers.BooleanField(source="suggestion.already_referred")
    suitable_for = serializers.SerializerMethodField()
    explanation = serializers.CharField(source="suggestion.explanation")

    def get_needs_covered(self, row) -> list[str]:
        return [theme.code for theme in row["suggestion"].needs_covered]

    def get_suitable_for(self, row) -> list[str]:
        return [str(m.person_id) for m in row["suggestion"].suitable_for]


class SuggestionQuery(serializers.Serializer):
    episode = serializers.UUIDField(error_messages={"required": "Give the episode id",
                                                    "invalid": "Give the episode id"})


class SuggestionViewSet(viewsets.ViewSet):
    """Services suggested for an episode's family, ranked."""

    @extend_schema(parameters=[SuggestionQuery], responses=SuggestionOutput(many=True))
    def list(self, request):
        query = validated(SuggestionQuery, request.query_params)
        episode = episode_detail(user=request.user, episode_id=query["episode"])
        suggestions = suggest_services(profile_for_episode(episode), limit=20)
        rows = [{"rank": i, "suggestion": s} for i, s in enumerate(suggestions, start=1)]
        return Response(SuggestionOutput(rows, many=True).data)


class ReferralOutput(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    person_name = serializers.CharField(source="person.full_name", default=None, allow_null=True)
    themes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "service",
            "service_name",
            "episode",
            "family",
            "person",
            "person_name",
            "plan_action",
            "themes",
            "reason",
            "status",
            "sent_at",
            "sent_by",
            "responded_at",
            "decline_reason",
            "status_note",
            "started_on",
            "finished_on",
            "finish_outcome",
            "withdrawn_at",
            "version",
        ]


class ReferralInput(serializers.Serializer):
    episode = serializers.UUIDField()
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all())
    person = serializers.UUIDField(
        required=False, allow_null=True, help_text="blank: the whole family"
    )
    reason = serializers.CharField()
    themes = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=NeedTheme.objects.all()
    )
    plan_action = serializers.UUIDField(required=False, allow_null=True)


class ReferralNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class ReferralDeclineInput(ReferralNoteInput):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)


class ReferralStartInput(ReferralNoteInput):
    started_on = serializers.DateField()


class ReferralFinishInput(ReferralNoteInput):
    finished_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=FinishOutcome.choices)


class ReferralWithdrawInput(serializers.Serializer):
    reason = serializers.CharField()


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals the user can see: their families' (referring side) and their services'
    (provider side). Status moves answer 409 when the rules refuse them."""

    serializer_class = ReferralOutput
    filterset_class = ReferralFilter

    def get_queryset(self):
        referrals = (
            selectors.visible_referrals(self.request.user)
            .select_related("service", "person")
            .prefetch_related("themes")
            .order_by("-sent_at", "reference")
        )
        return referrals

    def list(self, request, *args, **kwargs):
        audit_search(request, "directory.referral")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        referral = selectors.referral_detail(user=request.user, referral_id=pk)
        return Response(ReferralOutput(referral).data)

    @extend_schema(request=ReferralInput, responses={201: ReferralOutput})
    def create(self, request):
        data = validated(ReferralInput, request.data)
        episode = scoped_pk(episode_list(user=request.user), data["episode"], "episode")
        person = None
        if data.get("person"):
            person = scoped_pk(visible_people(request.user), data["person"], "person")
        plan_action = None
        if data.get("plan_action"):
            from earlyhelp.plans.models import PlanAction

            plan_action = scoped_pk(
                PlanAction.objects.filter(plan__episode=episode), data["plan_action"], "plan_action"
            )
        referral = services.referral_send(
            episode=episode,
            service=data["service"],
            person=person,
            reason=data["reason"],
            themes=data.get("themes", []),
            plan_action=plan_action,
            acting_user=request.user,
        )
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)

    def _move(self, request, pk, input_class, work):
        referral = selectors.referral_detail(user=request.user, referral_id=pk)
        # Who may act is settled before the body is read: a 403 says so whatever was sent.
        if input_class is ReferralWithdrawInput:
            require_episode_worker(request.user, referral.episode, "withdraw this referral")
        elif not rules.can_answer_referral(request.user, referral):
            raise PermissionDenied(
                f"Only {referral.service.organisation.name}, which provides "
                f"{referral.service.name}, can respond to this referral."
            )
        data = validated(input_class, request.data)
        referral = work(referral, data)
        return Response(ReferralOutput(referral).data)

    @extend_schema(request=ReferralNoteInput, responses=ReferralOutput)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(
            request,
            pk,
            ReferralNoteInput,
            lambda r, d: services.referral_accept(
                referral=r, acting_user=request.user, note=d.get("note", "")
            ),
        )

    @extend_schema(request=ReferralDeclineInput, responses=ReferralOutput)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._move(
            request,
            pk,
            ReferralDeclineInput,
            lambda r, d: services.referral_decline(
                referral=r, acting_user=request.user, reason=d["reason"], note=d.get("note", "")
            ),
        )

    @extend_schema(request=ReferralStartInput, responses=ReferralOutput)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._move(
            request,
            pk,
            ReferralStartInput,
            lambda r, d: services.referral_start(
                referral=r,
                acting_user=request.user,
                started_on=d["started_on"],
                note=d.get("note", ""),
            ),
        )

    @extend_schema(request=ReferralFinishInput, responses=ReferralOutput)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._move(
            request,
            pk,
            ReferralFinishInput,
            lambda r, d: services.referral_finish(
                referral=r,
                acting_user=request.user,
                finished_on=d["finished_on"],
                outcome=d["outcome"],
                note=d.get("note", ""),
            ),
        )

    @extend_schema(request=ReferralWithdrawInput, responses=ReferralOutput)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._move(
            request,
            pk,
            ReferralWithdrawInput,
            lambda r, d: services.referral_withdraw(
                referral=r, acting_user=request.user, reason=d["reason"]
            ),
        )


router.register("directory/services", ServiceViewSet, basename="directory-service")
router.register("directory/suggestions", SuggestionViewSet, basename="directory-suggestion")
router.register("directory/referrals", ReferralViewSet, basename="directory-referral")
