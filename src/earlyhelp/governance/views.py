"""The manager's page of who has looked at a family's record (the Data Protection Officer's
question, answered from the audit trail for families in the manager's service)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
@login_required
def family_access_log(request, family_id):
    """Who has looked at or changed a family's record (team managers, in scope)."""
    from django.core.paginator import Paginator

    from .selectors import family_access_log as access_log

    family, events = access_log(user=request.user, family_id=family_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "governance/access_log.html",
        {
            "page_title": f"Who has looked at {family.name}'s record",
            "family": family,
            "page_obj": page,
        },
    )
