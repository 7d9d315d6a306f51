"""Reads for the Data Protection Officer's questions: who looked at a family's record."""

from django.db.models import Q, QuerySet

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_families
from earlyhelp.core import audit
from earlyhelp.core.models import AuditEvent


def family_access_log(*, user, family_id) -> tuple:
    """Every audit row about a household or its members (views, searches, exports, changes,
    shares, refusals), newest first – for a manager whose service holds the family. Out of
    scope is a 404; in scope but not a manager is a 403. Looking is itself audited."""
    family = get_visible_or_404(visible_families(user), pk=family_id)
    policy.require(user, policy.Action.SEE_ACCESS_LOG, family)
    member_ids = list(family.memberships.values_list("person_id", flat=True))
    events: QuerySet = (
        AuditEvent.objects.filter(Q(family_id=family.id) | Q(person_id__in=member_ids))
        .select_related("user")
        .order_by("-at", "-id")
    )
    audit.record_view(user=user, obj=family, family_id=family.id, detail="access log")
    return family, events
