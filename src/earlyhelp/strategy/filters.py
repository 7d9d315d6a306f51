"""What the strategy lists may be filtered by (/api/strategy/...): a value that cannot be read is
a 400 naming the parameter (api/tests/test_every_list_filter.py walks every list)."""

import django_filters as filters

from earlyhelp.core.filtering import YesNoFilter

from .models import (
    ActionItem,
    AuditKind,
    AuditStatus,
    CaseAudit,
    Framework,
    Grade,
    ItemStatus,
    Round,
    RoundStatus,
)


class FrameworkFilter(filters.FilterSet):
    is_active = YesNoFilter()

    class Meta:
        model = Framework
        fields = []


class RoundFilter(filters.FilterSet):
    framework = filters.UUIDFilter(field_name="framework_id")
    status = filters.ChoiceFilter(choices=RoundStatus.choices)
    opens_from = filters.DateFilter(field_name="opens_on", lookup_expr="gte")
    opens_to = filters.DateFilter(field_name="opens_on", lookup_expr="lte")

    class Meta:
        model = Round
        fields = []


class ActionItemFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ItemStatus.choices)
    round = filters.UUIDFilter(field_name="round_id")
    element = filters.UUIDFilter(field_name="element_id")
    owner = filters.UUIDFilter(field_name="owner_id")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = ActionItem
        fields = []


class CaseAuditFilter(filters.FilterSet):
    programme = filters.UUIDFilter(field_name="programme_id")
    status = filters.ChoiceFilter(choices=AuditStatus.choices)
    kind = filters.ChoiceFilter(choices=AuditKind.choices)
    grade = filters.ChoiceFilter(choices=Grade.choices)
    team = filters.UUIDFilter(field_name="team_id")
    month = filters.DateFilter(field_name="programme__month")

    class Meta:
        model = CaseAudit
        fields = []
