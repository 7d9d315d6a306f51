"""Panel pages: panels, meeting agendas, a case and its decision, actions, unmet need."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from earlyhelp.access import policy
from earlyhelp.cases import selectors as cases
from earlyhelp.core import dates
from earlyhelp.web.views.base import attempt, page

from . import rules, selectors
from .briefing import case_briefing
from .forms import ActionForm, BringForm, DecisionForm, MeetingForm, ReportForm, UnmetNeedForm
from .journey import PANEL_CASE
from .models import Panel, PanelAction, PanelCaseStatus
from .services.actions import panel_action_add, panel_action_complete
from .services.cases import panel_case_bring
from .services.decisions import decision_record
from .services.meetings import meeting_schedule
from .services.unmet_need import unmet_need_record


@login_required
def index(request):
    user = request.user
    return page(
        request,
        "panels/index.html",
        {
            "page_title": "Panels",
            "panels": selectors.panel_list(user=user),
            "can_report": policy.can(user, policy.Action.SEE_UNMET_NEED),
        },
    )


@login_required
def panel_detail(request, panel_id):
    user = request.user
    panel = selectors.panel_detail(user=user, panel_id=panel_id)
    return page(
        request,
        "panels/panel.html",
        {
            "page_title": panel.name,
            "panel": panel,
            "members": panel.memberships.filter(left_on__isnull=True).select_related(
                "user", "user__organisation"
            ),
            "meetings": selectors.panel_meetings(panel=panel),
            "waiting": selectors.waiting_without_meeting(user=user, panel=panel),
            "can_schedule": policy.can(user, policy.Action.CONFIGURE_PANELS, panel),
            "meeting_form": MeetingForm(),
        },
    )


@login_required
def meeting_new(request, panel_id):
    user = request.user
    panel = selectors.panel_detail(user=user, panel_id=panel_id)
    policy.require(user, policy.Action.CONFIGURE_PANELS, panel)
    if request.method != "POST":  # the form lives on the panel's page
        return redirect("panels:panel", panel_id=panel.pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        meeting = attempt(
            form,
            meeting_schedule,
            panel=panel,
            date=form.cleaned_data["date"],
            venue=form.cleaned_data["venue"],
            acting_user=user,
        )
        if meeting is not None:
            messages.success(request, f"Meeting scheduled for {meeting}")
            return redirect("panels:panel", panel_id=panel.pk)
    return page(
        request,
        "panels/panel.html",
        {
            "page_title": panel.name,
            "panel": panel,
            "members": panel.memberships.filter(left_on__isnull=True).select_related("user"),
            "meetings": selectors.panel_meetings(panel=panel),
            "waiting": selectors.waiting_without_meeting(user=user, panel=panel),
            "can_schedule": True,
            "meeting_form": form,
        },
        status=400,
    )


@login_required
def meeting_detail(request, meeting_id):
    user = request.user
    meeting = selectors.meeting_detail(user=user, meeting_id=meeting_id)
    return page(
        request,
        "panels/meeting.html",
        {
            "page_title": str(meeting),
            "meeting": meeting,
            "agenda": selectors.meeting_agenda(user=user, meeting=meeting),
            "awaiting": PanelCaseStatus.AWAITING,
        },
    )


def _case_context(user, case, **forms):
    today = dates.today()
    is_member = rules.is_panel_member(user, case.panel, today)
    return {
        "page_title": f"{case.episode.reference} at {case.panel.name}",
        "case": case,
        "briefing": case_briefing(user=user, case=case),
        "is_member": is_member,
        "awaiting": PANEL_CASE.allows("decide", case),
        "decision_form": forms.get("decision_form") or DecisionForm(prefix="decision"),
        "action_form": forms.get("action_form") or ActionForm(prefix="action"),
        "unmet_form": forms.get("unmet_form") or UnmetNeedForm(prefix="unmet"),
        "failed": forms.get("failed", ""),
    }


@login_required
def case_detail(request, case_id):
    case = selectors.panel_case_detail(user=request.user, case_id=case_id)
    return page(request, "panels/case.html", _case_context(request.user, case))


@login_required
def case_decide(request, case_id):
    user = request.user
    case = selectors.panel_case_detail(user=user, case_id=case_id)
    if request.method != "POST":  # the form lives on the case's page
        return redirect("panels:case", case_id=case.pk)
    form = DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        data = form.cleaned_data
        decision = attempt(
            form,
            decision_record,
            panel_case=case,
            kind=data["kind"],
            rationale=data["rationale"],
            lead_practitioner=data.get("lead_practitioner"),
            service=data.get("service"),
            action_owner=data.get("action_owner"),
            closure_outcome=data.get("closure_outcome", ""),
            social_care_reference=data.get("social_care_reference", ""),
            acting_user=user,
        )
        if decision is not None:
            messages.success(request, f"Decision recorded: {decision.get_kind_display()}")
            return redirect("panels:case", case_id=case.pk)
    return page(
        request,
        "panels/case.html",
        _case_context(user, case, decision_form=form, failed="decision"),
        status=400,
    )


@login_required
def case_action(request, case_id):
    user = request.user
    case = selectors.panel_case_detail(user=user, case_id=case_id)
    if request.method != "POST":  # the form lives on the case's page
        return redirect("panels:case", case_id=case.pk)
    rules.require_panel_member(user, case.panel, dates.today(), "set panel actions")
    form = ActionForm(request.POST, prefix="action")
    if form.is_valid():
        done = attempt(
            form, panel_action_add, panel_case=case, acting_user=user, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, "Action added")
            return redirect("panels:case", case_id=case.pk)
    return page(
        request,
        "panels/case.html",
        _case_context(user, case, action_form=form, failed="action"),
        status=400,
    )


@login_required
def case_unmet_need(request, case_id):
    user = request.user
    case = selectors.panel_case_detail(user=user, case_id=case_id)
    if request.method != "POST":  # the form lives on the case's page
        return redirect("panels:case", case_id=case.pk)
    form = UnmetNeedForm(request.POST, prefix="unmet")
    if form.is_valid():
        done = attempt(
            form,
            unmet_need_record,
            panel=case.panel,
            panel_case=case,
            meeting=case.meeting,
            acting_user=user,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "Unmet need logged for commissioners")
            return redirect("panels:case", case_id=case.pk)
    return page(
        request,
        "panels/case.html",
        _case_context(user, case, unmet_form=form, failed="unmet"),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bring(request, episode_id):
    """Bring an episode to a panel by hand."""
    user = request.user
    episode = cases.episode_for_page(user=user, episode_id=episode_id, detail="Bring to a panel")
    policy.require(user, policy.Action.BRING_TO_PANEL, episode)
    form = BringForm(request.POST or None, panels=Panel.objects.filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        case = attempt(
            form,
            panel_case_bring,
            panel=form.cleaned_data["panel"],
            episode=episode,
            detail=form.cleaned_data["detail"],
            acting_user=user,
        )
        if case is not None:
            when = (
                f"its meeting on {case.meeting.date:%-d %B %Y}"
                if case.meeting
                else ("its next meeting, once one is scheduled")
            )
            messages.success(
                request, f"{episode.reference} will be discussed at {case.panel.name}, {when}"
            )
            return redirect("directory:suggest", episode_id=episode.pk)
    return page(
        request,
        "panels/bring.html",
        {
            "page_title": "Bring the case to a panel",
            "episode": episode,
            "form": form,
        },
    )


@login_required
def my_actions(request):
    return page(
        request,
        "panels/actions.html",
        {
            "page_title": "Your panel actions",
            "actions": selectors.my_panel_actions(user=request.user),
            "today": dates.today(),
        },
    )


@login_required
def action_done(request, action_id):
    from earlyhelp.access.scoping import get_visible_or_404

    user = request.user
    action = get_visible_or_404(
        PanelAction.objects.filter(panel_case__in=selectors.agenda_cases(user=user)),
        pk=action_id,
    )
    if request.method != "POST":
        return redirect("panels:my_actions")
    from django.core.exceptions import ValidationError

    from earlyhelp.core.errors import IllegalMove

    try:
        panel_action_complete(action=action, acting_user=user)
        messages.success(request, "Action marked as done")
    except (IllegalMove, ValidationError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    return redirect(request.POST.get("next") or "panels:my_actions")


def _report(request):
    form = ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    needs = selectors.unmet_need_list(
        user=request.user, date_from=data.get("date_from"), date_to=data.get("date_to")
    )
    return form, needs


@login_required
def unmet_need(request):
    form, needs = _report(request)
    return page(
        request,
        "panels/unmet_need.html",
        {
            "page_title": "Unmet need",
            "form": form,
            "needs": needs[:200],
            "summary": selectors.unmet_need_summary(needs),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def unmet_need_csv(request):
    """For commissioners: one row per need logged. Holds no names or identifiers."""
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction

    _, needs = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmet-need.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Recorded on", "Panel", "Need", "Area", "Age group", "Families affected", "Description"]
    )
    for need in needs:
        writer.writerow(
            [
                need.recorded_on.isoformat(),
                need.panel.name,
                need.theme.name if need.theme else "",
                need.locality.name if need.locality else "Whole borough",
                need.get_age_group_display() if need.age_group else "",
                need.families_affected,
                need.description,
            ]
        )
    audit.record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="panels.unmetneed",
        detail=request.get_full_path()[:300],
    )
    return response
