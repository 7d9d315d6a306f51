"""What a list of requests for support may be filtered by (/api/contacts/ query parameters)."""

import django_filters as filters

from earlyhelp.core.codes import ReferralSource
from earlyhelp.core.filtering import YesNoFilter, only_when_true

from .models import Contact, ContactStatus


class ContactFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ContactStatus.choices)
    source = filters.ChoiceFilter(choices=ReferralSource.choices)
    family = filters.UUIDFilter(field_name="family_id")
    received_from = filters.DateFilter(field_name="received_at", lookup_expr="date__gte")
    received_to = filters.DateFilter(field_name="received_at", lookup_expr="date__lte")
    is_re_referral = YesNoFilter(method=only_when_true)

    class Meta:
        model = Contact
        fields = []
