"""What an episode list may be filtered by (the API's /api/episodes/ query parameters)."""

import django_filters as filters

from earlyhelp.core.filtering import YesNoFilter

from .models import Episode, EpisodeStatus, RouteIn


class EpisodeFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EpisodeStatus.choices)
    team = filters.UUIDFilter(field_name="team_id")
    lead_practitioner = filters.UUIDFilter(field_name="lead_practitioner_id")
    family = filters.UUIDFilter(field_name="family_id")
    route_in = filters.ChoiceFilter(choices=RouteIn.choices)
    unallocated = YesNoFilter(method="_unallocated")

    class Meta:
        model = Episode
        fields = []

    def _unallocated(self, queryset, name, value):
        return queryset.filter(lead_practitioner__isnull=True) if value else queryset
