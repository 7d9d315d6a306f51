"""A read API for the strategy layer: frameworks, self-assessment rounds with their ratings, the
action plan with its RAG, workforce compliance and case audits.

The same selectors as the pages, so the same policy actions and scoping: frameworks, the action
plan and compliance for those who run the strategy (RUN_STRATEGY); a round for its chair, those
who run the strategy and the organisations invited (a partner sees only its own ratings); an
audit for its auditor, and once graded for the worker, the case's managers and those who run
the strategy. Anything else is a 403 (no record named) or a 404 (a record out of scope).
"""

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.api.base import UUID_LOOKUP, audit_search
from earlyhelp.api.router import router
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction

from . import rules, selectors
from .filters import ActionItemFilter, CaseAuditFilter, FrameworkFilter, RoundFilter
from .models import (
    ActionItem,
    AuditAcknowledgement,
    AuditAnswer,
    AuditModeration,
    CaseAudit,
    Dimension,
    Element,
    Framework,
    Level,
    Round,
)

UUID = UUID_LOOKUP  # anything else is not an id: a 404, never a 400


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = UUID


def _known(model, pk) -> None:
    """The council's own records (frameworks, the action plan): an id that names none is a 404
    before the policy is asked, as every guessed id is; a real one refused is a 403."""
    get_object_or_404(model.objects.only("pk"), pk=pk)


# Frameworks


class StrategyLevelOutput(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "rank", "name", "description"]


class StrategyElementOutput(serializers.ModelSerializer):
    class Meta:
        model = Element
        fields = ["id", "order", "name", "description"]


class StrategyDimensionOutput(serializers.ModelSerializer):
    elements = StrategyElementOutput(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "order", "name", "description", "elements"]


class StrategyFrameworkOutput(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "name", "description", "source", "is_active"]


class StrategyFrameworkDetailOutput(StrategyFrameworkOutput):
    levels = StrategyLevelOutput(many=True, read_only=True)
    dimensions = StrategyDimensionOutput(many=True, read_only=True)

    class Meta(StrategyFrameworkOutput.Meta):
        fields = [*StrategyFrameworkOutput.Meta.fields, "levels", "dimensions"]


class FrameworkViewSet(_ReadOnly):
    """Self-assessment frameworks (for those who run the strategy)."""

    serializer_class = StrategyFrameworkOutput
    filterset_class = FrameworkFilter
    queryset = Framework.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        return selectors.framework_list(user=self.request.user).order_by("name", "id")

    @extend_schema(responses=StrategyFrameworkDetailOutput)
    def retrieve(self, request, pk=None):
        _known(Framework, pk)
        framework = selectors.framework_detail(user=request.user, framework_id=pk)
        return Response(StrategyFrameworkDetailOutput(framework).data)


# Rounds and their ratings


class RoundOutput(serializers.ModelSerializer):
    framework_name = serializers.CharField(source="framework.name")
    chair_name = serializers.CharField(source="chair.display_name")
    target_level = StrategyLevelOutput(read_only=True)

    class Meta:
        model = Round
        fields = ["id", "framework", "framework_name", "name", "chair", "chair_name",
                  "target_level", "opens_on", "closes_on", "status"]


class RatingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organisation = serializers.UUIDField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    level = serializers.IntegerField(source="level.rank", help_text="the level's rank")
    level_name = serializers.CharField(source="level.name")
    evidence = serializers.CharField()
    comments = serializers.CharField()
    version = serializers.IntegerField()


class ConsensusOutput(serializers.Serializer):
    level = serializers.IntegerField(source="level.rank", help_text="the level's rank")
    level_name = serializers.CharField(source="level.name")
    rationale = serializers.CharField()


class AgreementOutput(serializers.Serializer):
    label = serializers.CharField(help_text="Agree, Close (one level apart) or Disagree")
    count = serializers.IntegerField()
    lowest = serializers.IntegerField(allow_null=True)
    highest = serializers.IntegerField(allow_null=True)
    spread = serializers.IntegerField(allow_null=True)


class RoundElementOutput(serializers.Serializer):
    element = serializers.UUIDField(source="element.pk")
    element_name = serializers.CharField(source="element.name")
    dimension_name = serializers.CharField(source="element.dimension.name")
    own_rating = RatingOutput(source="own", allow_null=True,
                              help_text="your organisation's rating")
    ratings = RatingOutput(many=True, help_text="every partner's for the chair and those who run "
                           "the strategy; otherwise your organisation's only")
    agreement = AgreementOutput()
    consensus = ConsensusOutput(allow_null=True)
    previous_consensus = ConsensusOutput(source="previous", allow_null=True,
                                         help_text="the last round of this framework")
    below_target = serializers.BooleanField()


class PartnerOutput(serializers.Serializer):
    organisation = serializers.UUIDField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")


class RoundDetailOutput(RoundOutput):
    partners = PartnerOutput(source="invitations", many=True, read_only=True)
    sees_all_ratings = serializers.BooleanField(
        read_only=True, help_text="the chair and those who run the strategy see every partner's")
    elements = RoundElementOutput(many=True, read_only=True)

    class Meta(RoundOutput.Meta):
        fields = [*RoundOutput.Meta.fields, "partners", "sees_all_ratings", "elements"]


class RoundViewSet(_ReadOnly):
    """Self-assessment rounds: all of them for those who run the strategy, otherwise the rounds
    the user chairs or their organisation is invited to."""

    serializer_class = RoundOutput
    filterset_class = RoundFilter
    queryset = Round.objects.none()

    def get_queryset(self):
        return selectors.round_list(user=self.request.user).select_related(
            "target_level").order_by("-opens_on", "name", "id")

    @extend_schema(responses=RoundDetailOutput)
    def retrieve(self, request, pk=None):
        round_ = selectors.round_detail(user=request.user, round_id=pk)  # audited
        prefetch_related_objects([round_], "invitations__organisation")
        round_.sees_all_ratings = selectors.sees_all_ratings(request.user, round_)
        round_.elements = selectors.round_rows(user=request.user, round_=round_)
        return Response(RoundDetailOutput(round_).data)


# The action plan


class StrategyActionItemOutput(serializers.Serializer):
    id = serializers.UUIDField(source="item.id")
    outcome = serializers.CharField(source="item.outcome")
    measure = serializers.CharField(source="item.measure")
    target = serializers.CharField(source="item.target")
    due_on = serializers.DateField(source="item.due_on")
    owner = serializers.UUIDField(source="item.owner_id")
    owner_name = serializers.CharField(source="item.owner.display_name")
    actions = serializers.CharField(source="item.actions")
    element = serializers.UUIDField(source="item.element_id", allow_null=True)
    element_name = serializers.CharField(source="item.element.name", default=None,
                                         allow_null=True)
    round = serializers.UUIDField(source="item.round_id", allow_null=True)
    indicator = serializers.CharField(source="item.indicator.code", default=None,
                                      allow_null=True, help_text="the dashboard indicator's code")
    indicator_target = serializers.DecimalField(source="item.indicator_target", max_digits=12,
                                                decimal_places=2, allow_null=True)
    indicator_value = serializers.FloatField(
        allow_null=True, help_text="the indicator's value for the last whole quarter, in your "
        "scope")
    status = serializers.CharField(source="item.status")
    completed_on = serializers.DateField(source="item.completed_on", allow_null=True)
    rag_date = serializers.ChoiceField(choices=rules.RAG_BY_DATE,
                                       help_text="red past its date, amber due within 30 days")
    rag_indicator = serializers.ChoiceField(
        choices=rules.RAG_BY_INDICATOR, allow_null=True,
        help_text="green once the indicator reaches the item's target; null without a figure")
    version = serializers.IntegerField(source="item.version")


class ActionItemViewSet(_ReadOnly):
    """The partnership's action plan with RAG by date and by indicator (for those who run the
    strategy)."""

    serializer_class = StrategyActionItemOutput
    filterset_class = ActionItemFilter
    queryset = ActionItem.objects.none()

    def get_queryset(self):
        return selectors.action_items(user=self.request.user).order_by("due_on", "created_at",
                                                                       "id")

    def list(self, request, *args, **kwargs):
        items = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(items)
        rows = selectors.plan_rows(user=request.user, items=page)
        return self.get_paginated_response(StrategyActionItemOutput(rows, many=True).data)

    def retrieve(self, request, pk=None):
        _known(ActionItem, pk)
        item = selectors.action_item_detail(user=request.user, item_id=pk)
        audit.record(user=request.user, action=AuditAction.VIEW, obj=item)
        [row] = selectors.plan_rows(user=request.user, items=[item])
        return Response(StrategyActionItemOutput(row).data)


# Workforce readiness


class StrategyComplianceRowOutput(serializers.Serializer):
    label = serializers.CharField()
    required = serializers.IntegerField(help_text="courses required, summed over the staff")
    valid = serializers.IntegerField(help_text="of those, held and in date")
    percent = serializers.FloatField(allow_null=True)


class StrategyComplianceTableOutput(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(selectors.BY))
    label = serializers.CharField()
    rows = StrategyComplianceRowOutput(many=True)


class StrategyComplianceOutput(serializers.Serializer):
    on = serializers.DateField()
    tables = StrategyComplianceTableOutput(many=True)


class WorkforceViewSet(viewsets.ViewSet):
    """Workforce readiness (for those who run the strategy)."""

    @extend_schema(responses=StrategyComplianceOutput, filters=False)
    @action(detail=False, methods=["get"])
    def compliance(self, request):
        """Of the courses each member of staff's contact class requires, how many they hold in
        date today: by contact class, organisation and team (the workforce page's tables)."""
        tables = selectors.compliance_tables(user=request.user)
        by = dict(zip(selectors.BY.values(), selectors.BY, strict=True))
        return Response(StrategyComplianceOutput({
            "on": dates.today(),
            "tables": [{"by": by[label], "label": label, "rows": rows} for label, rows in tables],
        }).data)


# Case audits


class AuditAnswerOutput(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text")

    class Meta:
        model = AuditAnswer
        fields = ["question", "question_text", "grade", "comment"]


class AuditModerationOutput(serializers.ModelSerializer):
    question_text = serializers.CharField(source="question.text", default=None, allow_null=True)

    class Meta:
        model = AuditModeration
        fields = ["id", "question", "question_text", "old_grade", "new_grade", "reason",
                  "created_by", "created_at"]


class AuditAcknowledgementOutput(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = AuditAcknowledgement
        fields = ["id", "user", "user_name", "as_role", "comment", "created_at"]


class CaseAuditOutput(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name")
    month = serializers.DateField(source="programme.month")
    team_name = serializers.CharField(source="team.name")
    episode_reference = serializers.CharField(source="episode.reference")
    auditor_name = serializers.CharField(source="auditor.display_name")

    class Meta:
        model = CaseAudit
        # The case by its reference, not its ids: an auditor from another team may read the
        # audit but not open the episode, so its ids would name records out of their scope.
        fields = ["id", "programme", "programme_name", "month", "kind", "team", "team_name",
                  "episode_reference", "worker", "auditor", "auditor_name", "status", "grade",
                  "summary", "graded_on"]


class CaseAuditDetailOutput(CaseAuditOutput):
    answers = AuditAnswerOutput(many=True, read_only=True)
    moderations = AuditModerationOutput(many=True, read_only=True)
    acknowledgements = AuditAcknowledgementOutput(many=True, read_only=True)

    class Meta(CaseAuditOutput.Meta):
        fields = [*CaseAuditOutput.Meta.fields, "answers", "moderations", "acknowledgements"]


class CaseAuditViewSet(_ReadOnly):
    """Case audits: the auditor's own sample; once graded, the findings for the worker, the
    case's managers and those who run the strategy."""

    serializer_class = CaseAuditOutput
    filterset_class = CaseAuditFilter
    queryset = CaseAudit.objects.none()

    def get_queryset(self):
        return selectors.audits_visible(user=self.request.user).order_by(
            "-programme__month", "team__name", "created_at", "id")

    def list(self, request, *args, **kwargs):
        audit_search(request, "strategy.caseaudit")  # audits name families' cases
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=CaseAuditDetailOutput)
    def retrieve(self, request, pk=None):
        audit_ = selectors.audit_detail(user=request.user, audit_id=pk)  # audited
        prefetch_related_objects([audit_], "answers__question", "moderations__question",
                                 "acknowledgements__user")
        return Response(CaseAuditDetailOutput(audit_).data)


router.register("strategy/frameworks", FrameworkViewSet, basename="strategy-framework")
router.register("strategy/rounds", RoundViewSet, basename="strategy-round")
router.register("strategy/action-items", ActionItemViewSet, basename="strategy-action-item")
router.register("strategy/workforce", WorkforceViewSet, basename="strategy-workforce")
router.register("strategy/audits", CaseAuditViewSet, basename="strategy-audit")
