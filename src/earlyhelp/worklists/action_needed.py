"""What needs the signed-in user's action, for their start page: `action_needed(user)`.

Every count is taken through the user's scoped querysets (core.access), so it never counts a
record the user could not open. Whose work an item counts:

- requests for support past their RAG decision time – front door and managers, every contact in
  scope. When each is due is set by the front door's rule (frontdoor.rules.decision_due: the
  RAG timescales on the council's triage clock; a contact not yet rated is held to amber);
- assessments and reviews overdue or due soon, episodes with no lead – a manager sees their whole
  scope; anyone else the episodes they lead (a worker's team scope is not their own caseload);
- plan actions past due – the actions the user owns;
- referrals awaiting a response – the services the user provides (directory providers);
- panel actions – the actions the user owns; cases waiting – on panels the user sits on.

Overdue is urgent; "due soon" is not. Items with nothing to do are left out.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from earlyhelp.core.access import visible_contacts, visible_episodes
from earlyhelp.core.models import Role

# Local timescales this page counts against (assessment: from cases.selectors, 45 days).
ASSESSMENT_DUE_SOON_DAYS = 7
REVIEW_DUE_SOON_DAYS = 14
REFERRAL_RESPONSE_DAYS = 5  # a referral unanswered longer than this is urgent

TRIAGE_ROLES = {Role.FRONT_DOOR, Role.MANAGER}
CASEWORK_ROLES = {Role.WORKER, Role.MANAGER, Role.PARTNER, Role.PANEL_MEMBER}


@dataclass(frozen=True)
class ActionItem:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


def _url(name: str, fallback: str = "/", **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def _work_url(user, queue: str) -> str:
    """A manager's team queue (web:team_queue), or the user's own caseload."""
    if user.role == Role.MANAGER:
        return _url("web:team_queue", _url("web:team"), queue=queue)
    return _url("web:caseload")


def overdue_contacts(user, now=None):
    """Contacts still awaiting a decision after their RAG timescale (unrated: amber)."""
    from earlyhelp.frontdoor.models import ContactStatus

    now = now or timezone.now()
    return visible_contacts(user).filter(
        status=ContactStatus.AWAITING_DECISION, decision_due_at__lt=now
    )


def _open_in_scope(user):
    from earlyhelp.cases.models import EpisodeStatus

    return visible_episodes(user).filter(status=EpisodeStatus.OPEN)


def _own_episodes(user, open_in_scope):
    """The open episodes whose work is this user's: all in scope for a manager, else led."""
    if user.role == Role.MANAGER:
        return open_in_scope
    return open_in_scope.filter(lead_practitioner=user)


def _assessment_done():
    from earlyhelp.assessments.models import Assessment, AssessmentStatus

    return Exists(
        Assessment.objects.filter(episode=OuterRef("pk"), status=AssessmentStatus.COMPLETED)
    )


def _casework_items(user, today, open_in_scope) -> list[ActionItem]:
    from earlyhelp.cases import selectors as cases

    own = _own_episodes(user, open_in_scope)
    items = []
    due_days = cases.ASSESSMENT_DUE_DAYS
    assessments = (
        own.annotate(done=_assessment_done())
        .filter(done=False)
        .aggregate(
            overdue=_count(Q(start_date__lt=today - dt.timedelta(days=due_days))),
            soon=_count(
                Q(
                    start_date__gte=today - dt.timedelta(days=due_days),
                    start_date__lt=today - dt.timedelta(days=due_days - ASSESSMENT_DUE_SOON_DAYS),
                )
            ),
        )
    )
    page = _url("web:team" if user.role == Role.MANAGER else "web:caseload")
    items.append(
        ActionItem(
            "assessments_overdue",
            "Assessments overdue",
            assessments["overdue"],
            _work_url(user, "assessments-overdue"),
            urgent=True,
        )
    )
    items.append(
        ActionItem(
            "assessments_due",
            f"Assessments due in the next {ASSESSMENT_DUE_SOON_DAYS} days",
            assessments["soon"],
            page,
        )
    )
    reviews = cases._review_annotations(own)
    overdue_q = cases._overdue_review_q(today)
    soon_until = today + dt.timedelta(days=REVIEW_DUE_SOON_DAYS)
    first_due = dt.timedelta(weeks=cases.FIRST_REVIEW_WEEKS)
    soon_q = Q(
        has_review=True, last_next_review_due__gte=today, last_next_review_due__lte=soon_until
    ) | Q(
        has_review=False,
        active_plan_started__gte=today - first_due,
        active_plan_started__lte=soon_until - first_due,
    )
    review_counts = reviews.aggregate(overdue=_count(overdue_q), soon=_count(soon_q))
    items.append(
        ActionItem(
            "reviews_overdue",
            "Reviews overdue",
            review_counts["overdue"],
            _work_url(user, "reviews-overdue"),
            urgent=True,
        )
    )
    items.append(
        ActionItem(
            "reviews_due",
            f"Reviews due in the next {REVIEW_DUE_SOON_DAYS} days",
            review_counts["soon"],
            page,
        )
    )
    if user.role == Role.MANAGER:
        from earlyhelp.panels.rules import no_lead_days

        unallocated = own.filter(lead_practitioner__isnull=True).aggregate(
            total=_count(Q()),
            late=_count(Q(start_date__lt=today - dt.timedelta(days=no_lead_days()))),
        )
        items.append(
            ActionItem(
                "unallocated",
                "Episodes without a lead practitioner",
                unallocated["total"],
                _work_url(user, "unallocated"),
                urgent=bool(unallocated["late"]),
            )
        )
    return items


def _count(condition):
    from django.db.models import Count

    return Count("id", filter=condition, distinct=True)


def _plan_actions(user, today, open_in_scope) -> ActionItem:
    """Open actions the user owns, past due, on active plans of open episodes in scope (as
    cases.selectors.actions_past_due counts them)."""
    from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

    count = PlanAction.objects.filter(
        plan__episode__in=open_in_scope,
        plan__status=PlanStatus.ACTIVE,
        status=ActionStatus.OPEN,
        due_date__lt=today,
        owner=user,
    ).count()
    return ActionItem(
        "plan_actions",
        "Plan actions you own past their due date",
        count,
        _work_url(user, "actions-past-due"),
        urgent=True,
    )


def _referral_items(user, now) -> list[ActionItem]:
    from earlyhelp.directory.selectors import referrals_awaiting_response

    counts = referrals_awaiting_response(user=user).aggregate(
        total=_count(Q()),
        late=_count(Q(sent_at__lt=now - dt.timedelta(days=REFERRAL_RESPONSE_DAYS))),
    )
    return [
        ActionItem(
            "referrals_awaiting",
            "Referrals awaiting your response",
            counts["total"],
            _url("directory:inbox", "/directory/inbox/"),
            urgent=bool(counts["late"]),
        )
    ]


def _panel_items(user, today) -> list[ActionItem]:
    from .models import PanelCase, PanelCaseStatus
    from .selectors import member_panel_ids, my_panel_actions

    actions = my_panel_actions(user=user).aggregate(
        total=_count(Q()), late=_count(Q(due_date__lt=today))
    )
    items = [
        ActionItem(
            "panel_actions",
            "Panel actions you own",
            actions["total"],
            _url("panels:my_actions", "/panels/actions/"),
            urgent=bool(actions["late"]),
        )
    ]
    # Cases on the user's own panels are exactly the families the panel scope lets them see,
    # so the count needs no family-scope subquery (which is what makes it cheap).
    waiting = PanelCase.objects.filter(
        panel_id__in=member_panel_ids(user), status=PanelCaseStatus.AWAITING
    )
    if user.role == Role.PARTNER:
        from earlyhelp.core.access import families_sharing_allowed

        waiting = waiting.filter(
            family_id__in=families_sharing_allowed(waiting.values("family_id"))
        )
    waiting = waiting.count()
    items.append(
        ActionItem(
            "panel_cases",
            "Cases waiting for your panels",
            waiting,
            _url("panels:index", "/panels/"),
        )
    )
    return items


def action_needed(user, *, now=None) -> list[ActionItem]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    items: list[ActionItem] = []
    if user.role in TRIAGE_ROLES:
        items.append(
            ActionItem(
                "contacts_overdue",
                "Requests for support waiting past their decision time",
                overdue_contacts(user, now).count(),
                _url("web:contact_queue"),
                urgent=True,
            )
        )
    if user.role in CASEWORK_ROLES:
        # Built once: composing a scoped queryset costs more than running it.
        open_in_scope = _open_in_scope(user)
        items.extend(_casework_items(user, today, open_in_scope))
        items.append(_plan_actions(user, today, open_in_scope))
    items.extend(_referral_items(user, now))
    items.extend(_panel_items(user, today))
    return [item for item in items if item.count]
