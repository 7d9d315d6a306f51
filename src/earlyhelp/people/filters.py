"""What a list of households may be filtered by (the family search page, /api/families/)."""

import django_filters as filters

from .models import Family


class FamilyFilter(filters.FilterSet):
    postcode = filters.CharFilter(method="_postcode")
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Family
        fields = []

    def _postcode(self, queryset, name, value):
        return queryset.filter(postcode__istartswith=value.upper())
