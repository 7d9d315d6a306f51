"""What an assessment list may be filtered by (/api/assessments/ query parameters)."""

import django_filters as filters

from .models import Assessment, AssessmentStatus


class AssessmentFilter(filters.FilterSet):
    episode = filters.UUIDFilter(field_name="episode_id")
    status = filters.ChoiceFilter(choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = []
