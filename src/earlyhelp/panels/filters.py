"""What the list of cases on panels' agendas may be filtered by (/api/panels/cases/)."""

import django_filters as filters

from .models import PanelCase, PanelCaseStatus


class PanelCaseFilter(filters.FilterSet):
    panel = filters.UUIDFilter(field_name="panel_id")
    meeting = filters.UUIDFilter(field_name="meeting_id")
    status = filters.ChoiceFilter(choices=PanelCaseStatus.choices)
    episode = filters.UUIDFilter(field_name="episode_id")

    class Meta:
        model = PanelCase
        fields = []
