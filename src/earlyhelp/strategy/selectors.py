"""Every read of the strategy layer, scoped to the user in the query.

Who sees what: team managers, analysts and administrators run the strategy and see every round
and the action plan; the chair of a round sees all its ratings; anyone else sees the rounds their
organisation is invited to, and only their own organisation's ratings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from earlyhelp.access import roles
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction

from . import rules
from .models import (
    ActionItem,
    Consensus,
    Dimension,
    Element,
    Framework,
    ItemStatus,
    Rating,
    Round,
    RoundStatus,
)


def runs_strategy(user) -> bool:
    return user.role in roles.STRATEGY


def require_strategy(user) -> None:
    if not runs_strategy(user):
        raise PermissionDenied(
            "Only team managers, performance analysts and administrators can see this page."
        )


def sees_all_ratings(user, round_) -> bool:
    return runs_strategy(user) or round_.chair_id == user.pk


# Frameworks


def framework_list(*, user) -> QuerySet[Framework]:
    require_strategy(user)
    return Framework.objects.filter(is_active=True)


def framework_detail(*, user, framework_id) -> Framework:
    require_strategy(user)
    return get_object_or_404(
        Framework.objects.prefetch_related(
            "levels",
            Prefetch("dimensions", queryset=Dimension.objects.prefetch_related("elements")),
        ),
        pk=framework_id,
    )


def elements_of(framework) -> QuerySet[Element]:
    return Element.objects.filter(dimension__framework=framework).select_related("dimension")


# Rounds


def round_list(*, user) -> QuerySet[Round]:
    qs = Round.objects.select_related("framework", "chair")
    if runs_strategy(user):
        return qs
    visible = Q(chair_id=user.pk)
    if user.organisation_id:
        visible |= Q(invitations__organisation_id=user.organisation_id)
    return qs.filter(visible).distinct()


def round_detail(*, user, round_id) -> Round:
    """A round the user may open (404 otherwise); the view is audited."""
    round_ = get_object_or_404(
        round_list(user=user).select_related("target_level"), pk=round_id
    )
    audit.record(user=user, action=AuditAction.VIEW, obj=round_)
    return round_


def ratings_visible(*, user, round_) -> QuerySet[Rating]:
    """Every organisation's ratings for the chair and those who run the strategy; otherwise the
    user's own organisation's only."""
    qs = Rating.objects.filter(round=round_).select_related("organisation", "level", "element")
    if sees_all_ratings(user, round_):
        return qs
    return qs.filter(organisation_id=user.organisation_id) if user.organisation_id else qs.none()


def previous_round(round_) -> Round | None:
    """The latest round of the same framework that opened before this one."""
    return (
        Round.objects.filter(framework_id=round_.framework_id, opens_on__lt=round_.opens_on)
        .order_by("-opens_on")
        .first()
    )


@dataclass
class ElementRow:
    element: Element
    own: Rating | None = None  # the user's organisation's rating
    ratings: list[Rating] = field(default_factory=list)  # all visible ratings
    agreement: rules.Agreement | None = None
    consensus: Consensus | None = None
    previous: Consensus | None = None
    below_target: bool = False


def round_rows(*, user, round_) -> list[ElementRow]:
    """One row per element: the ratings the user may see, agreement, consensus and last time.
    Four queries whatever the size of the framework."""
    rows = {e.pk: ElementRow(element=e) for e in elements_of(round_.framework)}
    for rating in ratings_visible(user=user, round_=round_):
        row = rows[rating.element_id]
        row.ratings.append(rating)
        if rating.organisation_id == user.organisation_id:
            row.own = rating
    for consensus in Consensus.objects.filter(round=round_).select_related("level"):
        rows[consensus.element_id].consensus = consensus
    previous = previous_round(round_)
    if previous is not None:
        for consensus in Consensus.objects.filter(round=previous).select_related("level"):
            if consensus.element_id in rows:
                rows[consensus.element_id].previous = consensus
    for row in rows.values():
        row.agreement = rules.agreement([r.level.rank for r in row.ratings])
        if row.consensus is not None:
            row.below_target = rules.below_target(
                row.consensus.level.rank, round_.target_level.rank
            )
    return list(rows.values())


def partner_progress(*, round_) -> list[tuple[str, int]]:
    """How many elements each invited organisation has rated (for the chair)."""
    counts = {}
    for org_id in Rating.objects.filter(round=round_).values_list("organisation_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    return [
        (invitation.organisation.name, counts.get(invitation.organisation_id, 0))
        for invitation in round_.invitations.select_related("organisation")
    ]


# The action plan


@dataclass
class PlanRow:
    item: ActionItem
    rag_date: str
    rag_indicator: str | None = None
    indicator_value: object = None


def action_items(*, user, status: str | None = None) -> QuerySet[ActionItem]:
    require_strategy(user)
    qs = ActionItem.objects.select_related(
        "owner", "element", "element__dimension", "round", "indicator"
    )
    if status in ItemStatus.values:
        qs = qs.filter(status=status)
    return qs


def action_item_detail(*, user, item_id) -> ActionItem:
    return get_object_or_404(action_items(user=user), pk=item_id)


def plan_rows(*, user, items, indicator_values: dict | None = None) -> list[PlanRow]:
    """RAG each item by its date and, where it has an indicator, by the indicator's value.

    `indicator_values` maps indicator codes to values already computed (the board report passes
    its own, so the plan and the report agree); otherwise the last whole quarter's values are
    computed for the user's scope."""
    items = list(items)
    codes = sorted({i.indicator.code for i in items if i.indicator_id})
    if indicator_values is None:
        indicator_values = indicator_values_for(user=user, codes=codes)
    today = dates.today()
    rows = []
    for item in items:
        row = PlanRow(
            item=item,
            rag_date=rules.rag_by_date(
                due_on=item.due_on, is_done=item.status == ItemStatus.DONE, today=today
            ),
        )
        if item.indicator_id:
            row.indicator_value = indicator_values.get(item.indicator.code)
            row.rag_indicator = rules.rag_by_indicator(
                value=row.indicator_value,
                target=item.indicator_target,
                higher_is_better=item.indicator.direction != "lower",
            )
        rows.append(row)
    return rows


def indicator_values_for(*, user, codes) -> dict:
    """The last whole quarter's value of each indicator, in the user's scope."""
    if not codes:
        return {}
    from earlyhelp.insights.periods import period_containing
    from earlyhelp.insights.selectors import dashboard

    period = period_containing("quarter", dates.today()).previous()
    return {
        row.definition.code: row.value
        for row in dashboard(user=user, period=period, codes=codes, with_trend=False)
    }


def plan_summary(rows: list[PlanRow]) -> dict[str, int]:
    counts = {rules.RED: 0, rules.AMBER: 0, rules.GREEN: 0, rules.DONE: 0}
    for row in rows:
        counts[row.rag_date] += 1
    return counts


def board_section(*, user, indicator_values: dict) -> dict:
    """The action plan's section of the board report (insights calls this): open items first,
    RAG by date and by indicator, with the counts."""
    rows = plan_rows(
        user=user,
        items=action_items(user=user).order_by("status", "due_on"),
        indicator_values=indicator_values,
    )
    return {"rows": rows, "counts": plan_summary(rows)}


def open_rounds(*, user) -> QuerySet[Round]:
    return round_list(user=user).filter(status=RoundStatus.OPEN)


# Workforce readiness


@dataclass
class ComplianceRow:
    label: str
    required: int = 0  # (person, course) pairs their contact class requires
    valid: int = 0  # of those, held and in date

    @property
    def percent(self) -> float | None:
        return round(100 * self.valid / self.required, 1) if self.required else None


BY = {"contact": "Contact class", "organisation": "Organisation", "team": "Team"}


def compliance(*, user, by: str, on=None) -> list[ComplianceRow]:
    """Of the courses each active member of staff's contact class requires, how many they hold
    in date – by contact class, organisation or team. Staff whose job title has no contact
    class are not counted (the classification page lists them). Three queries."""
    require_strategy(user)
    if by not in BY:
        raise ValueError(f"Unknown grouping {by!r}: choose {', '.join(BY)}")
    on = on or dates.today()
    from earlyhelp.core.models import User

    from .models import Completion, Contact, Course, RoleClass

    classes = {r.job_title.lower(): r.contact for r in RoleClass.objects.all()}
    courses = list(Course.objects.all())
    staff = User.objects.filter(is_active=True).exclude(job_title="").select_related(
        "organisation", "team")
    held = {}
    for c in Completion.objects.filter(user__is_active=True).select_related("course"):
        if rules.is_valid(c.completed_on, c.course.validity_months, on):
            held.setdefault(c.user_id, set()).add(c.course_id)
    labels = dict(Contact.choices)
    rows: dict[str, ComplianceRow] = {}
    for person in staff:
        contact = classes.get(person.job_title.lower())
        if contact is None:
            continue
        required = [course for course in courses if contact in (course.required_for or [])]
        if not required:
            continue
        label = {
            "contact": labels[contact],
            "organisation": person.organisation.name if person.organisation_id else "None",
            "team": person.team.name if person.team_id else "No team",
        }[by]
        row = rows.setdefault(label, ComplianceRow(label))
        mine = held.get(person.pk, set())
        row.required += len(required)
        row.valid += sum(1 for course in required if course.pk in mine)
    return sorted(rows.values(), key=lambda r: r.label)


def unclassified_titles(*, user) -> list[str]:
    require_strategy(user)
    from earlyhelp.core.models import User

    from .models import RoleClass

    known = {t.lower() for t in RoleClass.objects.values_list("job_title", flat=True)}
    titles = User.objects.filter(is_active=True).exclude(job_title="").values_list(
        "job_title", flat=True).distinct()
    return sorted({t for t in titles if t.lower() not in known})
