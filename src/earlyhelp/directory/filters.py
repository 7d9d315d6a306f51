"""What the directory's service list and the referral list may be filtered by
(/api/directory/services/, /api/directory/referrals/)."""

import django_filters as filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from earlyhelp.core.filtering import RecordCodeFilter, YesNoFilter
from earlyhelp.core.models import Locality
from earlyhelp.thresholds.models import NeedTheme

from .models import ProviderKind, Referral, ReferralStatus, Service


@extend_schema_field({"type": "integer", "minimum": 0})
class AgeFilter(filters.NumberFilter):
    """An age in whole years: 7.5 and -1 are a 400, and the schema says so."""

    field_class = forms.IntegerField


class ServiceFilter(filters.FilterSet):
    # field_name: the model's relation, so the schema knows the type; filter_queryset filters.
    theme = RecordCodeFilter(
        field_name="themes", queryset=NeedTheme.objects.all(), to_field_name="code", label="needs theme code",
        error_messages={"invalid_choice": "No needs theme has this code"},
    )
    age = AgeFilter(
        min_value=0, label="age in whole years",
        error_messages={"invalid": "Enter an age in whole years, like 7"},
    )
    locality = RecordCodeFilter(
        field_name="localities", queryset=Locality.objects.all(), to_field_name="code", label="locality code",
        error_messages={"invalid_choice": "No locality has this code"},
    )
    provider_kind = filters.ChoiceFilter(choices=ProviderKind.choices)
    q = filters.CharFilter(label="words in the name or description")

    class Meta:
        model = Service
        fields = []

    def filter_queryset(self, queryset):
        from .selectors import service_search  # the selector imports nothing from here

        data = self.form.cleaned_data
        age = data.get("age")
        return service_search(
            services=queryset,
            theme=data.get("theme"),
            age=int(age) if age is not None else None,
            locality=data.get("locality"),
            text=data.get("q") or "",
            provider_kind=data.get("provider_kind") or "",
        )


class ReferralFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReferralStatus.choices)
    episode = filters.UUIDFilter(field_name="episode_id")
    provider = YesNoFilter(method="_provider", label="only referrals to your services")

    class Meta:
        model = Referral
        fields = []

    def _provider(self, queryset, name, value):
        if not value:
            return queryset
        from .selectors import provider_referrals

        user = getattr(self.request, "user", None)
        return queryset.filter(pk__in=provider_referrals(user=user).values("pk"))
