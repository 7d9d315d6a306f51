"""API for the threshold models (levels of need) and needs themes – configuration, read-only."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from earlyhelp.api.base import validated
from earlyhelp.api.router import router

from .models import Domain, Indicator, Level, NeedTheme, ThresholdModel
from .rules import suggest_level


class IndicatorOutput(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "level", "text"]


class DomainOutput(serializers.ModelSerializer):
    indicators = IndicatorOutput(many=True)

    class Meta:
        model = Domain
        fields = ["id", "name", "order", "indicators"]


class LevelOutput(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "rank", "name", "band", "description"]


class ThresholdModelOutput(serializers.ModelSerializer):
    levels = LevelOutput(many=True)
    domains = DomainOutput(many=True)

    class Meta:
        model = ThresholdModel
        fields = ["id", "name", "slug", "description", "is_default", "suggestion_rule", "levels",
                  "domains"]


class SuggestInput(serializers.Serializer):
    indicators = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.select_related("level"), many=True
    )


class NeedThemeOutput(serializers.ModelSerializer):
    class Meta:
        model = NeedTheme
        fields = ["id", "code", "name", "description", "cin_factor_codes"]


class SuggestOutput(serializers.Serializer):
    level = LevelOutput(allow_null=True)


class ThresholdModelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThresholdModelOutput
    queryset = ThresholdModel.objects.filter(is_active=True).prefetch_related(
        "levels", "domains__indicators"
    ).order_by("-is_default", "name")

    @extend_schema(request=SuggestInput, responses=SuggestOutput)
    @action(detail=True, methods=["post"])
    def suggest(self, request, pk=None):
        """The level the ticked indicators suggest (the highest level ticked); `level` is null
        when nothing ticked suggests one."""
        model = self.get_object()
        indicators = validated(SuggestInput, request.data)["indicators"]
        if any(i.level.model_id != model.pk for i in indicators):
            raise ValidationError({"indicators": ["Tick indicators from this model only"]})
        level = suggest_level(indicators)
        return Response({"level": LevelOutput(level).data if level else None})


class NeedThemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NeedThemeOutput
    queryset = NeedTheme.objects.filter(is_active=True).order_by("order", "name")


router.register("threshold-models", ThresholdModelViewSet, basename="threshold-model")
router.register("need-themes", NeedThemeViewSet, basename="need-theme")
