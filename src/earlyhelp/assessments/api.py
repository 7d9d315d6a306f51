"""API for whole-family early help assessments."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.access.scoping import get_visible_or_404, visible_episodes, visible_people
from earlyhelp.access.sensitive import SensitiveNeedDescription
from earlyhelp.api.base import audit_search, read_version, scoped_pk, validated, version_field
from earlyhelp.api.router import router
from earlyhelp.core import audit
from earlyhelp.core.codes import AssessmentFactor
from earlyhelp.core.models import Organisation
from earlyhelp.thresholds.models import Level, NeedTheme

from . import services
from .filters import AssessmentFilter
from .models import Assessment, AssessmentDomain, AssessmentEntry, PresentingNeed


class EntryOutput(serializers.ModelSerializer):
    class Meta:
        model = AssessmentEntry
        fields = ["person", "domain", "needs", "strengths"]


class NeedOutput(serializers.ModelSerializer):
    description = SensitiveNeedDescription()  # null for e.g. domestic abuse unless role may see

    class Meta:
        model = PresentingNeed
        fields = ["id", "theme", "person", "cin_factor", "description", "baseline_score"]


class AssessmentOutput(serializers.ModelSerializer):
    entries = EntryOutput(many=True)
    presenting_needs = NeedOutput(many=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "episode", "status", "started_on", "completed_on", "completing_organisation",
            "children", "voice_of_child", "family_view", "summary", "level", "entries",
            "presenting_needs", "version",
        ]


class AssessmentListOutput(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "episode", "status", "started_on", "completed_on",
                  "completing_organisation"]


class StartInput(serializers.Serializer):
    episode = serializers.UUIDField()
    started_on = serializers.DateField()
    completing_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all()
    )
    children = serializers.ListField(
        child=serializers.UUIDField(), required=False,
        help_text="the children the assessment covers (default: every child of the household "
        "on the start date); one Annex A List 2 row each",
    )


class EntryInput(serializers.Serializer):
    person = serializers.UUIDField()
    domain = serializers.ChoiceField(choices=AssessmentDomain.choices)
    needs = serializers.CharField(required=False, allow_blank=True, default="")
    strengths = serializers.CharField(required=False, allow_blank=True, default="")


class UpdateInput(serializers.Serializer):
    voice_of_child = serializers.CharField(required=False, allow_blank=True)
    family_view = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    level = serializers.PrimaryKeyRelatedField(
        queryset=Level.objects.all(), required=False, allow_null=True
    )
    entries = EntryInput(many=True, required=False)
    children = serializers.ListField(
        child=serializers.UUIDField(), required=False,
        help_text="replace the children the assessment covers",
    )
    version = version_field()


class NeedInput(serializers.Serializer):
    theme = serializers.PrimaryKeyRelatedField(queryset=NeedTheme.objects.filter(is_active=True))
    person = serializers.UUIDField(required=False, allow_null=True)
    cin_factor = serializers.ChoiceField(
        choices=AssessmentFactor.choices, required=False, allow_blank=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    baseline_score = serializers.IntegerField(min_value=1, max_value=10)


class CompleteInput(serializers.Serializer):
    completed_on = serializers.DateField()
    version = version_field()


def visible_assessments(user):
    return Assessment.objects.filter(episode__in=visible_episodes(user))


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = AssessmentListOutput
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return visible_assessments(self.request.user).order_by("-started_on", "id")

    def list(self, request, *args, **kwargs):
        audit_search(request, "assessments.assessment")
        return super().list(request, *args, **kwargs)

    @staticmethod
    def _ctx(request) -> dict:
        return {"request": request}  # sensitive need descriptions depend on who asks

    def _assessment(self, request, pk, for_change: bool = False):
        assessment = get_visible_or_404(
            visible_assessments(request.user)
            .select_related("episode")
            .prefetch_related("entries", "presenting_needs"),
            pk=pk,
        )
        if for_change:
            require_episode_worker(request.user, assessment.episode, "change an assessment")
        else:
            audit.record_view(user=request.user, obj=assessment,
                              family_id=assessment.episode.family_id)
        return assessment

    @extend_schema(responses=AssessmentOutput)
    def retrieve(self, request, pk=None):
        assessment = self._assessment(request, pk)
        return Response(AssessmentOutput(assessment, context=self._ctx(request)).data)

    @extend_schema(request=StartInput, responses={201: AssessmentOutput})
    def create(self, request):
        data = validated(StartInput, request.data)
        episode = scoped_pk(visible_episodes(request.user), data["episode"], "episode")
        require_episode_worker(request.user, episode, "start an assessment")
        children = None
        if "children" in data:
            people = visible_people(request.user)
            children = [scoped_pk(people, pk, "children") for pk in data["children"]]
        assessment = services.assessment_start(
            episode=episode, started_on=data["started_on"], children=children,
            completing_organisation=data["completing_organisation"], acting_user=request.user,
        )
        return Response(AssessmentOutput(assessment, context=self._ctx(request)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=UpdateInput, responses=AssessmentOutput)
    def partial_update(self, request, pk=None):
        """Save part of the assessment; it can be saved part-done and completed later."""
        assessment = self._assessment(request, pk, for_change=True)
        data = dict(validated(UpdateInput, request.data))
        version = read_version(request, data)
        people = visible_people(request.user)
        entries = [
            (scoped_pk(people, e["person"], "entries"), e["domain"], e["needs"], e["strengths"])
            for e in data.pop("entries", [])
        ]
        children = data.pop("children", None)
        with transaction.atomic():  # children and text saved together, or neither
            if children is not None:
                assessment = services.assessment_children_set(
                    assessment=assessment, acting_user=request.user, expected_version=version,
                    children=[scoped_pk(people, pk, "children") for pk in children],
                )
                version = assessment.version if version is not None else None
            assessment = services.assessment_update(
                assessment=assessment, acting_user=request.user, expected_version=version,
                entries=entries, **data,
            )
        assessment = self._assessment(request, pk, for_change=True)
        return Response(AssessmentOutput(assessment, context=self._ctx(request)).data)

    @extend_schema(request=NeedInput, responses={201: NeedOutput})
    @action(detail=True, methods=["post"])
    def needs(self, request, pk=None):
        assessment = self._assessment(request, pk, for_change=True)
        data = validated(NeedInput, request.data)
        person = None
        if data.get("person"):
            person = scoped_pk(visible_people(request.user), data["person"], "person")
        need = services.presenting_need_add(
            assessment=assessment, theme=data["theme"], person=person,
            cin_factor=data.get("cin_factor", ""), description=data.get("description", ""),
            baseline_score=data["baseline_score"], acting_user=request.user,
        )
        return Response(NeedOutput(need, context=self._ctx(request)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteInput, responses=AssessmentOutput)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assessment = self._assessment(request, pk, for_change=True)
        data = dict(validated(CompleteInput, request.data))
        assessment = services.assessment_complete(
            assessment=assessment, completed_on=data["completed_on"],
            expected_version=read_version(request, data), acting_user=request.user,
        )
        return Response(AssessmentOutput(self._assessment(request, pk, for_change=True),
                                         context=self._ctx(request)).data)


router.register("assessments", AssessmentViewSet, basename="assessment")
