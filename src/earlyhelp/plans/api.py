"""API for plans (outcomes, actions) and reviews with progress scores."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.access.scoping import get_visible_or_404, visible_episodes
from earlyhelp.api.base import audit_search, scoped_pk, validated
from earlyhelp.api.router import router
from earlyhelp.assessments.models import PresentingNeed
from earlyhelp.core import audit
from earlyhelp.core.models import User

from . import services
from .filters import PlanFilter, ReviewFilter
from .models import (
    FamilyRating,
    FamilyView,
    Plan,
    PlanAction,
    PlanOutcome,
    ProgressScore,
    Rater,
    Review,
)


class ActionOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = ["id", "outcome", "description", "owner", "owner_name", "due_date", "status",
                  "completed_on"]


class OutcomeOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanOutcome
        fields = ["id", "need", "text", "order"]


class PlanOutput(serializers.ModelSerializer):
    outcomes = OutcomeOutput(many=True)
    actions = ActionOutput(many=True)

    class Meta:
        model = Plan
        fields = ["id", "episode", "status", "started_on", "ended_on", "outcomes", "actions"]


class PlanStartInput(serializers.Serializer):
    episode = serializers.UUIDField()
    started_on = serializers.DateField()


class OutcomeInput(serializers.Serializer):
    text = serializers.CharField()
    need = serializers.UUIDField(required=False, allow_null=True)


class ActionInput(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_date = serializers.DateField()
    outcome = serializers.UUIDField(required=False, allow_null=True)

    def validate(self, attrs):
        if not attrs.get("owner") and not attrs.get("owner_name", "").strip():
            raise serializers.ValidationError({"owner_name": "Say who will do this action"})
        return attrs


class ActionCompleteInput(serializers.Serializer):
    completed_on = serializers.DateField()


class ScoreOutput(serializers.ModelSerializer):
    class Meta:
        model = ProgressScore
        fields = ["need", "score", "comment"]


class ReviewOutput(serializers.ModelSerializer):
    scores = ScoreOutput(many=True)

    class Meta:
        model = Review
        fields = ["id", "episode", "held_on", "attendees", "summary", "family_view",
                  "next_review_due", "scores"]


class ScoreInput(serializers.Serializer):
    need = serializers.UUIDField()
    score = serializers.IntegerField(min_value=1, max_value=10)


class FamilyRatingOutput(serializers.ModelSerializer):
    class Meta:
        model = FamilyRating
        fields = ["need", "score"]


class FamilyViewOutput(serializers.ModelSerializer):
    ratings = FamilyRatingOutput(many=True)

    class Meta:
        model = FamilyView
        fields = ["rater", "declined", "words", "satisfaction", "ratings"]


class ReviewDetailOutput(ReviewOutput):
    family = FamilyViewOutput(allow_null=True, required=False)

    class Meta(ReviewOutput.Meta):
        fields = [*ReviewOutput.Meta.fields, "family"]


class FamilyViewInput(serializers.Serializer):
    """The family's own view: who gave it and their rating per need on the 1–10 scale, or
    declined (they did not want to say)."""

    rater = serializers.ChoiceField(choices=Rater.choices, required=False, allow_blank=True)
    declined = serializers.BooleanField(required=False, default=False)
    words = serializers.CharField(required=False, allow_blank=True,
                                  help_text="in their own words, what has changed")
    scores = ScoreInput(many=True, required=False)


class ReviewInput(serializers.Serializer):
    episode = serializers.UUIDField()
    held_on = serializers.DateField()
    attendees = serializers.CharField()
    summary = serializers.CharField(required=False, allow_blank=True)
    family_view = serializers.CharField(required=False, allow_blank=True)
    next_review_due = serializers.DateField(required=False, allow_null=True)
    scores = ScoreInput(many=True, required=False)
    family = FamilyViewInput(required=False, allow_null=True)


def visible_plans(user):
    return Plan.objects.filter(episode__in=visible_episodes(user))


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanOutput
    filterset_class = PlanFilter

    def get_queryset(self):
        return visible_plans(self.request.user).prefetch_related("outcomes", "actions").order_by(
            "-started_on", "id"
        )

    def list(self, request, *args, **kwargs):
        audit_search(request, "plans.plan")
        return super().list(request, *args, **kwargs)

    def _plan(self, request, pk, for_change=False):
        plan = get_visible_or_404(
            self.get_queryset().select_related("episode"), pk=pk
        )
        if for_change:
            require_episode_worker(request.user, plan.episode, "change a plan")
        else:
            audit.record_view(user=request.user, obj=plan, family_id=plan.episode.family_id)
        return plan

    def retrieve(self, request, pk=None):
        return Response(PlanOutput(self._plan(request, pk)).data)

    @extend_schema(request=PlanStartInput, responses={201: PlanOutput})
    def create(self, request):
        data = validated(PlanStartInput, request.data)
        episode = scoped_pk(visible_episodes(request.user), data["episode"], "episode")
        require_episode_worker(request.user, episode, "make a plan")
        plan = services.plan_start(episode=episode, started_on=data["started_on"],
                                   acting_user=request.user)
        return Response(PlanOutput(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OutcomeInput, responses={201: OutcomeOutput})
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        plan = self._plan(request, pk, for_change=True)
        data = validated(OutcomeInput, request.data)
        need = None
        if data.get("need"):
            need = scoped_pk(
                PresentingNeed.objects.filter(assessment__episode=plan.episode), data["need"],
                "need",
            )
        outcome = services.plan_outcome_add(plan=plan, text=data["text"], need=need,
                                            acting_user=request.user)
        return Response(OutcomeOutput(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionInput, responses={201: ActionOutput})
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        plan = self._plan(request, pk, for_change=True)
        data = validated(ActionInput, request.data)
        outcome = None
        if data.get("outcome"):
            outcome = scoped_pk(plan.outcomes.all(), data["outcome"], "outcome")
        action_ = services.plan_action_add(
            plan=plan, description=data["description"], owner=data.get("owner"),
            owner_name=data.get("owner_name", ""), due_date=data["due_date"], outcome=outcome,
            acting_user=request.user,
        )
        return Response(ActionOutput(action_).data, status=status.HTTP_201_CREATED)


class PlanActionViewSet(viewsets.GenericViewSet):
    serializer_class = ActionOutput

    def get_queryset(self):
        return PlanAction.objects.filter(plan__in=visible_plans(self.request.user))

    def _action(self, request, pk):
        action_ = get_visible_or_404(self.get_queryset().select_related("plan__episode"), pk=pk)
        require_episode_worker(request.user, action_.plan.episode, "update a plan action")
        return action_

    @extend_schema(request=ActionCompleteInput, responses=ActionOutput)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        action_ = self._action(request, pk)
        data = validated(ActionCompleteInput, request.data)
        action_ = services.plan_action_complete(action=action_, acting_user=request.user, **data)
        return Response(ActionOutput(action_).data)

    @extend_schema(request=None, responses=ActionOutput)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        action_ = services.plan_action_cancel(action=self._action(request, pk),
                                              acting_user=request.user)
        return Response(ActionOutput(action_).data)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewOutput
    filterset_class = ReviewFilter

    def get_queryset(self):
        return Review.objects.filter(
            episode__in=visible_episodes(self.request.user)
        ).prefetch_related(Prefetch("scores", queryset=ProgressScore.objects.all())).order_by(
            "-held_on", "id"
        )

    def list(self, request, *args, **kwargs):
        audit_search(request, "plans.review")
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ReviewDetailOutput)
    def retrieve(self, request, pk=None):
        review = get_visible_or_404(self.get_queryset().select_related("episode", "family"), pk=pk)
        audit.record_view(user=request.user, obj=review, family_id=review.episode.family_id)
        return Response(ReviewDetailOutput(review).data)

    @extend_schema(request=ReviewInput, responses={201: ReviewOutput})
    def create(self, request):
        data = validated(ReviewInput, request.data)
        episode = scoped_pk(visible_episodes(request.user), data["episode"], "episode")
        require_episode_worker(request.user, episode, "record a review")
        needs = PresentingNeed.objects.filter(assessment__episode=episode)
        scores = {
            scoped_pk(needs, item["need"], "scores"): item["score"]
            for item in data.get("scores", [])
        }
        review = services.review_record(
            episode=episode, held_on=data["held_on"], attendees=data["attendees"],
            summary=data.get("summary", ""), family_view=data.get("family_view", ""),
            next_review_due=data.get("next_review_due"), scores=scores, acting_user=request.user,
            family=_family(data.get("family"), needs),
        )
        return Response(ReviewDetailOutput(review).data, status=status.HTTP_201_CREATED)


def _family(data, needs) -> dict | None:
    """The API's family view as the service takes it (scores keyed by the need)."""
    if data is None:
        return None
    scores = {scoped_pk(needs, item["need"], "family"): item["score"]
              for item in data.get("scores", [])}
    return {**data, "scores": scores}


router.register("plans", PlanViewSet, basename="plan")
router.register("plan-actions", PlanActionViewSet, basename="plan-action")
router.register("reviews", ReviewViewSet, basename="review")
