"""What needs the signed-in user's action, for their start page: `action_needed(user)`.

Every count is taken through the user's scoped querysets (access.scoping), so it never counts a
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

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from earlyhelp.access import roles
from earlyhelp.access.scoping import (
    sharing_allowed,
    visible_contacts_awaiting,
    visible_episodes,
)
from earlyhelp.cases.models import EpisodeStatus, Timescales
from earlyhelp.core.models import Role
from earlyhelp.directory.selectors import referrals_awaiting_response
from earlyhelp.panels.models import PanelCase, PanelCaseStatus
from earlyhelp.panels.rules import no_lead_days
from earlyhelp.panels.selectors import member_panel_ids, my_panel_action_counts
from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

from . import selectors as worklists


@dataclass(frozen=True)
class ActionItem:
    key: str
    label: str
    count: int
    url: str
    urgent: bool = False


def _work_url(user, queue: str) -> str:
    """A manager's team queue (web:team_queue), or the user's own caseload."""
    if user.role == Role.MANAGER:
        return reverse("web:team_queue", kwargs={"queue": queue})
    return reverse("web:caseload")


def overdue_contacts(user, now=None):
    """Contacts still awaiting a decision after their RAG timescale (unrated: amber)."""
    now = now or timezone.now()
    return visible_contacts_awaiting(user).filter(decision_due_at__lt=now)


def _open_in_scope(user):
    # A partner's uses below narrow to their own work first (led, owned): probe per row.
    return visible_episodes(user, probe=True).filter(status=EpisodeStatus.OPEN)


def _own_episodes(user, open_in_scope):
    """The open episodes whose work is this user's: all in scope for a manager, else led."""
    if user.role == Role.MANAGER:
        return open_in_scope
    return open_in_scope.filter(lead_practitioner=user)


def _casework_items(user, today, open_in_scope, caseload=None) -> list[ActionItem]:
    """The casework items; with a `caseload` dict, also the user's caseload summary
    (worklists.caseload_summary) into it, from the same query: for a worker or partner the
    episodes whose work is theirs are exactly the ones they lead (issue 19: one pass)."""
    timescales = Timescales.current()
    own = _own_episodes(user, open_in_scope)
    items = []
    due_days = timescales.assessment_due_days
    soon_days = timescales.assessment_due_soon_days
    # The next review date and the assessment's state are columns of the episode (cases.state).
    soon_until = today + dt.timedelta(days=timescales.review_due_soon_days)
    not_done = ~worklists.assessment_done_q()

    def _count_own(condition):
        return _count(condition, own)

    counts = {
        "assessments_overdue": _count_own(
            not_done & Q(start_date__lt=today - dt.timedelta(days=due_days))
        ),
        "assessments_soon": _count_own(
            not_done
            & Q(
                start_date__gte=today - dt.timedelta(days=due_days),
                start_date__lt=today - dt.timedelta(days=due_days - soon_days),
            )
        ),
        "reviews_overdue": _count_own(worklists.overdue_review_q(today)),
        "reviews_soon": _count_own(Q(next_review_due__gte=today, next_review_due__lte=soon_until)),
    }
    if user.role == Role.MANAGER:
        counts["unallocated"] = _count_own(Q(lead_practitioner__isnull=True))
        counts["unallocated_late"] = _count_own(
            Q(
                lead_practitioner__isnull=True,
                start_date__lt=today - dt.timedelta(days=no_lead_days()),
            )
        )
    if caseload is not None:
        summary = worklists.caseload_summary_counts(today)
        counts.update({f"caseload_{name}": aggregate for name, aggregate in summary.items()})
    # One query for every casework count: the scope is composed and compiled once (issue 19).
    counts = own.aggregate(**counts)
    if caseload is not None:
        caseload.update({name: counts[f"caseload_{name}"] or 0 for name in summary})
    page = reverse("web:team" if user.role == Role.MANAGER else "web:caseload")
    items.append(
        ActionItem(
            "assessments_overdue",
            "Assessments overdue",
            counts["assessments_overdue"],
            _work_url(user, "assessments-overdue"),
            urgent=True,
        )
    )
    items.append(
        ActionItem(
            "assessments_due",
            f"Assessments due in the next {soon_days} days",
            counts["assessments_soon"],
            page,
        )
    )
    items.append(
        ActionItem(
            "reviews_overdue",
            "Reviews overdue",
            counts["reviews_overdue"],
            _work_url(user, "reviews-overdue"),
            urgent=True,
        )
    )
    items.append(
        ActionItem(
            "reviews_due",
            f"Reviews due in the next {timescales.review_due_soon_days} days",
            counts["reviews_soon"],
            page,
        )
    )
    if user.role == Role.MANAGER:
        items.append(
            ActionItem(
                "unallocated",
                "Episodes without a lead practitioner",
                counts["unallocated"],
                _work_url(user, "unallocated"),
                urgent=bool(counts["unallocated_late"]),
            )
        )
    return items


def rows_are_unique(queryset) -> bool:
    """Each row of the queryset is a different row of its model: it joins only along foreign
    keys to one row each (forward many-to-one or one-to-one), so counting its ids needs no
    DISTINCT – a sort or hash over every row counted (issue 19). Scopes are EXISTS and IN
    tests, never joins."""
    query = queryset.query
    if query.distinct or query.combinator:
        return False
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)  # the base table has none
        if field is not None and not (field.many_to_one or field.one_to_one):
            return False
    return True


def _count(condition, queryset):
    """Count the ids of `queryset` passing `condition`; DISTINCT only where a join – of the
    queryset or of the condition – could repeat a row."""
    unique = rows_are_unique(queryset.filter(condition) if condition else queryset)
    return Count("id", filter=condition, distinct=not unique)


def _plan_actions(user, today, open_in_scope) -> ActionItem:
    """Open actions the user owns, past due, on active plans of open episodes in scope (as
    worklists.selectors.actions_past_due counts them)."""
    # Correlated: the user's few actions are checked against the scope one by one, rather
    # than listing every open episode in scope first (a manager's service: thousands).
    in_scope = open_in_scope.filter(pk=OuterRef("plan__episode_id"))
    count = PlanAction.objects.filter(
        Exists(in_scope),
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
    response_days = Timescales.current().referral_response_days
    referrals = referrals_awaiting_response(user=user)
    counts = referrals.aggregate(
        total=_count(Q(), referrals),
        late=_count(Q(sent_at__lt=now - dt.timedelta(days=response_days)), referrals),
    )
    return [
        ActionItem(
            "referrals_awaiting",
            "Referrals awaiting your response",
            counts["total"],
            reverse("directory:inbox"),
            urgent=bool(counts["late"]),
        )
    ]


def _panel_items(user, today) -> list[ActionItem]:
    actions = my_panel_action_counts(user=user, today=today)
    items = [
        ActionItem(
            "panel_actions",
            "Panel actions you own",
            actions["total"],
            reverse("panels:my_actions"),
            urgent=bool(actions["late"]),
        )
    ]
    # Cases on the user's own panels are exactly the families the panel scope lets them see,
    # so the count needs no family-scope subquery (which is what makes it cheap).
    waiting = PanelCase.objects.filter(
        panel_id__in=member_panel_ids(user), status=PanelCaseStatus.AWAITING
    )
    if user.role == Role.PARTNER:
        waiting = waiting.filter(sharing_allowed("family_id"))  # tested per case
    waiting = waiting.count()
    items.append(
        ActionItem(
            "panel_cases",
            "Cases waiting for your panels",
            waiting,
            reverse("panels:index"),
        )
    )
    return items


def action_needed(user, *, now=None, caseload=None) -> list[ActionItem]:
    """What needs the user's action. A worker's or partner's start page passes a `caseload`
    dict: their caseload summary is filled in from the same query (see _casework_items)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    items: list[ActionItem] = []
    if user.role in roles.TRIAGE:
        items.append(
            ActionItem(
                "contacts_overdue",
                "Requests for support waiting past their decision time",
                overdue_contacts(user, now).count(),
                reverse("web:contact_queue"),
                urgent=True,
            )
        )
    if user.role in roles.HOLDS_CASES:
        # Built once: composing a scoped queryset costs more than running it.
        open_in_scope = _open_in_scope(user)
        own_caseload = caseload if user.role in roles.OWN_CASELOAD else None
        items.extend(_casework_items(user, today, open_in_scope, own_caseload))
        items.append(_plan_actions(user, today, open_in_scope))
    items.extend(_referral_items(user, now))
    items.extend(_panel_items(user, today))
    return [item for item in items if item.count]
