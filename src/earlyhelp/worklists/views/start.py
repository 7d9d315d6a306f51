"""Each role's start page: what to do next, with counts and links."""

from django.contrib.auth.decorators import login_required

from earlyhelp.access import policy, roles
from earlyhelp.cases.models import Timescales
from earlyhelp.core.models import Role
from earlyhelp.frontdoor import selectors as frontdoor
from earlyhelp.frontdoor.models import ContactStatus
from earlyhelp.web.context_processors import nav_items_for
from earlyhelp.web.views.base import page

from ..action_needed import action_needed


@login_required
def start(request):
    user = request.user
    context = {"page_title": "Home", "role": user.role, "Role": Role}
    mine = {}  # the user's caseload summary, counted with the action-needed counts
    context["action_needed"] = action_needed(user, caseload=mine)
    if policy.can(user, policy.Action.SEE_FRONT_DOOR_QUEUE):
        context["queue"] = frontdoor.contact_queue_counts(user=user)
        context["triage_hours"] = Timescales.current().triage_hours()
    if user.role in roles.OWN_CASELOAD:
        context["mine"] = mine
    if policy.can(user, policy.Action.SEE_OWN_REQUESTS):
        context["my_requests"] = frontdoor.my_requests(user=user)
        context["awaiting"] = ContactStatus.AWAITING_DECISION
    context["links"] = [item for item in nav_items_for(user, request.path) if item["url"] != "/"]
    return page(request, "worklists/start.html", context)
