"""What plan and review lists may be filtered by (/api/plans/, /api/reviews/)."""

import django_filters as filters

from .models import Plan, Review


class PlanFilter(filters.FilterSet):
    episode = filters.UUIDFilter(field_name="episode_id")

    class Meta:
        model = Plan
        fields = []


class ReviewFilter(filters.FilterSet):
    episode = filters.UUIDFilter(field_name="episode_id")

    class Meta:
        model = Review
        fields = []
