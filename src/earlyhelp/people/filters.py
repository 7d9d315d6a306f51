"""What a list of households may be filtered by (the family search page, /api/families/)."""

import django_filters as filters

from .models import Family, Person


class FamilyFilter(filters.FilterSet):
    postcode = filters.CharFilter(method="_postcode")
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Family
        fields = []

    def _postcode(self, queryset, name, value):
        return queryset.filter(postcode__istartswith=value.upper())


class PersonFilter(filters.FilterSet):
    """The person search (/api/people/): each word of the name starts a given, family or
    known-as name; the other fields match as the front door's search does."""

    name = filters.CharFilter(label="words matching given, family or known-as name")
    date_of_birth = filters.DateFilter(label="YYYY-MM-DD")
    nhs_number = filters.CharFilter()
    upn = filters.CharFilter()
    postcode = filters.CharFilter(label="postcode or its start")

    class Meta:
        model = Person
        fields = []

    def filter_queryset(self, queryset):
        from .selectors import person_search  # the selector imports this module

        asked = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}
        return person_search(people=queryset, **asked)
