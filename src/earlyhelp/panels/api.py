"""API for panels: panels and meetings, cases brought (by hand), decisions, actions, unmet need."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access.scoping import visible_people
from earlyhelp.api.base import UUID_LOOKUP, audit_search, scoped_pk, validated
from earlyhelp.api.router import router
from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.cases.selectors import episode_list
from earlyhelp.core import dates
from earlyhelp.core.models import Locality, User
from earlyhelp.directory.models import Service
from earlyhelp.thresholds.models import NeedTheme

from . import rules, selectors
from .filters import PanelCaseFilter
from .models import DecisionKind, Meeting, Panel, PanelAction, PanelCase, PanelDecision, UnmetNeed
from .services.actions import panel_action_add
from .services.cases import panel_case_bring
from .services.decisions import decision_record
from .services.unmet_need import unmet_need_record


class PanelMeetingOutput(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "panel", "date", "venue", "status"]


class PanelOutput(serializers.ModelSerializer):
    awaiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = Panel
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "locality",
            "minimum_age",
            "maximum_age",
            "takes_stuck_cases",
            "is_active",
            "awaiting",
        ]


class PanelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PanelOutput
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        return selectors.panel_list(user=self.request.user)

    @extend_schema(responses=PanelMeetingOutput(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)  # a panel's meetings: one list
    def meetings(self, request, pk=None):
        panel = selectors.panel_detail(user=request.user, panel_id=pk)
        return Response(PanelMeetingOutput(selectors.panel_meetings(panel=panel), many=True).data)


class PanelDecisionOutput(serializers.ModelSerializer):
    class Meta:
        model = PanelDecision
        fields = [
            "id",
            "kind",
            "rationale",
            "decided_on",
            "decided_by",
            "lead_practitioner",
            "service",
            "referral",
            "closure_outcome",
        ]


class PanelActionOutput(serializers.ModelSerializer):
    class Meta:
        model = PanelAction
        fields = ["id", "panel_case", "description", "owner", "due_date", "status", "completed_on"]


class PanelCaseOutput(serializers.ModelSerializer):
    # The panel by name: its id is configuration only its members and oversight roles see.
    panel_name = serializers.CharField(source="panel.name")
    episode_reference = serializers.CharField(source="episode.reference")
    decisions = PanelDecisionOutput(many=True, read_only=True)

    class Meta:
        model = PanelCase
        fields = [
            "id",
            "panel_name",
            "meeting",
            "episode",
            "episode_reference",
            "family",
            "reasons",
            "detail",
            "automatic",
            "brought_on",
            "status",
            "decisions",
            "version",
        ]


class PanelCaseBringInput(serializers.Serializer):
    panel = serializers.PrimaryKeyRelatedField(queryset=Panel.objects.filter(is_active=True))
    episode = serializers.UUIDField()
    detail = serializers.CharField()
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True
    )


class PanelDecisionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    rationale = serializers.CharField()
    decided_on = serializers.DateField(required=False)
    lead_practitioner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True
    )
    person = serializers.UUIDField(required=False, allow_null=True)
    closure_outcome = serializers.ChoiceField(
        choices=ClosureOutcome.choices, required=False, allow_blank=True
    )
    social_care_reference = serializers.CharField(max_length=40, required=False, allow_blank=True)
    action_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class PanelActionInput(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_date = serializers.DateField()


class PanelCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases on panels' agendas, limited to the families the user may see."""

    serializer_class = PanelCaseOutput
    filterset_class = PanelCaseFilter

    def get_queryset(self):
        return selectors.agenda_cases(user=self.request.user).prefetch_related(
            "decisions"
        ).order_by("brought_on", "created_at")

    def list(self, request, *args, **kwargs):
        audit_search(request, "panels.panelcase")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        case = selectors.panel_case_detail(user=request.user, case_id=pk)
        return Response(PanelCaseOutput(case).data)

    @extend_schema(request=PanelCaseBringInput, responses={201: PanelCaseOutput})
    def create(self, request):
        data = validated(PanelCaseBringInput, request.data)
        episode = scoped_pk(episode_list(user=request.user), data["episode"], "episode")
        case = panel_case_bring(
            panel=data["panel"],
            episode=episode,
            detail=data["detail"],
            meeting=data.get("meeting"),
            acting_user=request.user,
        )
        return Response(PanelCaseOutput(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PanelDecisionInput, responses={201: PanelDecisionOutput})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        case = selectors.panel_case_detail(user=request.user, case_id=pk)
        rules.require_panel_member(
            request.user, case.panel, dates.today(), "record its decisions"
        )
        data = validated(PanelDecisionInput, request.data)
        person = None
        if data.get("person"):
            person = scoped_pk(visible_people(request.user), data.pop("person"), "person")
        data.pop("person", None)
        decision = decision_record(
            panel_case=case, acting_user=request.user, person=person, **data
        )
        return Response(PanelDecisionOutput(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PanelActionInput, responses={201: PanelActionOutput})
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        case = selectors.panel_case_detail(user=request.user, case_id=pk)
        rules.require_panel_member(
            request.user, case.panel, dates.today(), "set panel actions"
        )
        data = validated(PanelActionInput, request.data)
        created = panel_action_add(panel_case=case, acting_user=request.user, **data)
        return Response(PanelActionOutput(created).data, status=status.HTTP_201_CREATED)


class UnmetNeedOutput(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    locality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = UnmetNeed
        fields = [
            "id",
            "panel",
            "theme",
            "locality",
            "age_group",
            "description",
            "families_affected",
            "recorded_on",
        ]


class UnmetNeedInput(serializers.Serializer):
    panel = serializers.PrimaryKeyRelatedField(queryset=Panel.objects.all())
    panel_case = serializers.UUIDField(required=False, allow_null=True)
    description = serializers.CharField()
    theme = serializers.SlugRelatedField(
        slug_field="code", queryset=NeedTheme.objects.all(), required=False, allow_null=True
    )
    locality = serializers.SlugRelatedField(
        slug_field="code", queryset=Locality.objects.all(), required=False, allow_null=True
    )
    age_group = serializers.ChoiceField(
        choices=UnmetNeed._meta.get_field("age_group").choices, required=False, allow_blank=True
    )
    families_affected = serializers.IntegerField(min_value=1, default=1)


class UnmetNeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Unmet need logged by panels – for commissioners; it names no family."""

    serializer_class = UnmetNeedOutput
    queryset = UnmetNeed.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        return selectors.unmet_need_list(user=self.request.user)

    @extend_schema(request=UnmetNeedInput, responses={201: UnmetNeedOutput})
    def create(self, request):
        data = validated(UnmetNeedInput, request.data)
        if data.get("panel_case"):
            data["panel_case"] = scoped_pk(
                selectors.agenda_cases(user=request.user), data["panel_case"], "panel_case"
            )
        need = unmet_need_record(acting_user=request.user, **data)
        return Response(UnmetNeedOutput(need).data, status=status.HTTP_201_CREATED)


# The sub-collections first, so "panels/cases/" is never read as a panel's id.
router.register("panels/cases", PanelCaseViewSet, basename="panel-case")
router.register("panels/unmet-need", UnmetNeedViewSet, basename="unmet-need")
router.register("panels", PanelViewSet, basename="panel")
