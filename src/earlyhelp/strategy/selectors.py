"""Every read of the strategy layer, scoped to the user in the query.

Who sees what: team managers, analysts and administrators run the strategy and see every round
and the action plan; the chair of a round sees all its ratings; anyone else sees the rounds their
organisation is invited to, and only their own organisation's ratings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from earlyhelp.access import policy, roles
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
    return policy.can(user, policy.Action.RUN_STRATEGY)


def require_strategy(user) -> None:
    """The pages and the API of those who run the strategy: the policy's RUN_STRATEGY."""
    policy.require(user, policy.Action.RUN_STRATEGY)


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
    class are not counted (the classification page lists them). Four queries."""
    require_strategy(user)
    if by not in BY:
        raise ValueError(f"Unknown grouping {by!r}: choose {', '.join(BY)}")
    return _group(_staff_compliance(on or dates.today()), by)


def _staff_compliance(on) -> list[tuple[dict, int, int]]:
    """Per counted member of staff: their labels by each grouping, courses required, held in
    date. Read as plain rows: a borough's staff as model instances were a tenth of a second on
    every dashboard page."""
    from earlyhelp.core.models import User

    from .models import Completion, Contact, Course, RoleClass

    classes = {title.lower(): contact
               for title, contact in RoleClass.objects.values_list("job_title", "contact")}
    courses = list(Course.objects.values_list("pk", "validity_months", "required_for"))
    validity = {pk: months for pk, months, _ in courses}
    required_for = {
        contact: [pk for pk, _, needed in courses if contact in (needed or [])]
        for contact in set(classes.values())
    }
    # Titles matched in Python: SQLite's LOWER() folds ASCII letters only.
    staff = User.objects.filter(is_active=True).exclude(job_title="").values_list(
        "pk", "job_title", "organisation__name", "team__name")
    held = {}
    for user_id, course_id, completed_on in Completion.objects.filter(
        user__is_active=True
    ).values_list("user_id", "course_id", "completed_on"):
        if rules.is_valid(completed_on, validity[course_id], on):
            held.setdefault(user_id, set()).add(course_id)
    labels = dict(Contact.choices)
    counted = []
    for pk, title, organisation, team in staff:
        contact = classes.get(title.lower())
        required = required_for.get(contact)
        if not required:
            continue
        label = {
            "contact": labels[contact],
            "organisation": organisation or "None",
            "team": team or "No team",
        }
        mine = held.get(pk, set())
        counted.append((label, len(required), sum(1 for c in required if c in mine)))
    return counted


def _group(counted, by: str) -> list[ComplianceRow]:
    rows: dict[str, ComplianceRow] = {}
    for label, required, valid in counted:
        row = rows.setdefault(label[by], ComplianceRow(label[by]))
        row.required += required
        row.valid += valid
    return sorted(rows.values(), key=lambda r: r.label)


def unclassified_titles(*, user) -> list[str]:
    require_strategy(user)
    from earlyhelp.core.models import User

    from .models import RoleClass

    known = {t.lower() for t in RoleClass.objects.values_list("job_title", flat=True)}
    titles = User.objects.filter(is_active=True).exclude(job_title="").values_list(
        "job_title", flat=True).distinct()
    return sorted({t for t in titles if t.lower() not in known})


# Quality audits. Who sees what: an auditor sees the audits sampled for them (never a case they
# lead); once graded, the worker whose work it was and the case's team manager see the findings,
# and those who run the strategy see every graded audit (to moderate and report). Anyone else:
# 404.

# Who may be chosen to audit: early help staff audit their peers' work.
AUDITOR_ROLES = roles.EARLY_HELP_STAFF


def month_population(month) -> dict[str, list[tuple[str, object]]]:
    """A month's work by team: assessments completed in it and plans started in it, as
    {team_id: [(key, record)]}, keys like "assessment:<id>" (the draw sorts by key)."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.plans.models import Plan

    end = dates.months_after(month, 1)
    population: dict[str, list[tuple[str, object]]] = {}
    assessments = Assessment.objects.filter(
        status="completed", completed_on__gte=month, completed_on__lt=end
    ).select_related("episode", "episode__team")
    plans = Plan.objects.filter(started_on__gte=month, started_on__lt=end).select_related(
        "episode", "episode__team")
    for kind, records in (("assessment", assessments), ("plan", plans)):
        for record in records:
            population.setdefault(str(record.episode.team_id), []).append(
                (f"{kind}:{record.pk}", record))
    return population


def auditor_choices():
    from earlyhelp.core.models import User

    return User.objects.filter(is_active=True, role__in=AUDITOR_ROLES).select_related(
        "team").order_by("last_name", "first_name")


def eligible_auditors(audit):
    """Who may audit this case: active early help staff who are not its lead practitioner (now
    or when drawn) and do not manage its team or service – the rule, asked of the database."""
    from earlyhelp.core.models import Role

    episode = audit.episode
    qs = auditor_choices().exclude(pk__in=[i for i in (episode.lead_practitioner_id,
                                                        audit.worker_id) if i])
    manager = Q(role=Role.MANAGER) & (Q(team_id=episode.team_id) | (
        Q(team__service_id=episode.team.service_id) if episode.team.service_id else Q(pk=None)))
    return qs.exclude(manager)


def _audits():
    from .models import CaseAudit

    return CaseAudit.objects.select_related(
        "programme", "programme__tool", "team", "episode", "episode__team", "worker", "auditor",
        "assessment", "plan")


def audits_visible(*, user) -> QuerySet:
    from earlyhelp.core.models import Role

    from .models import AuditStatus

    graded = Q(status=AuditStatus.GRADED)
    mine = Q(auditor_id=user.pk) & ~Q(episode__lead_practitioner_id=user.pk)
    visible = mine | (graded & Q(worker_id=user.pk))
    if user.role == Role.MANAGER and user.team_id:
        managed = Q(team_id=user.team_id)
        if user.team.service_id:
            managed |= Q(team__service_id=user.team.service_id)
        visible |= graded & managed
    if runs_strategy(user):
        visible |= graded
    return _audits().filter(visible)


def audit_detail(*, user, audit_id):
    audit_ = get_object_or_404(audits_visible(user=user), pk=audit_id)
    audit.record(user=user, action=AuditAction.VIEW, obj=audit_, family_id=audit_.episode.family_id)
    return audit_


def audits_to_grade(*, user) -> QuerySet:
    from .models import AuditStatus

    return audits_visible(user=user).filter(auditor_id=user.pk, status=AuditStatus.ASSIGNED)


def findings_to_acknowledge(*, user) -> list:
    """Graded audits of the user's work or team that the user has not acknowledged."""
    from .models import AuditStatus

    qs = audits_visible(user=user).filter(status=AuditStatus.GRADED).exclude(
        acknowledgements__user_id=user.pk).exclude(auditor_id=user.pk)
    return [a for a in qs if policy.can(user, policy.Action.ACKNOWLEDGE_AUDIT, a)]


def programme_list(*, user) -> QuerySet:
    from .models import AuditProgramme

    require_strategy(user)
    return AuditProgramme.objects.select_related("tool")


def programme_detail(*, user, programme_id):
    programme = get_object_or_404(programme_list(user=user), pk=programme_id)
    audit.record(user=user, action=AuditAction.VIEW, obj=programme)
    return programme


def programme_audits(programme) -> QuerySet:
    return _audits().filter(programme=programme)


def questions_for(audit_) -> list:
    return [q for q in audit_.programme.tool.questions.all()
            if rules.applies(q.applies_to, audit_.kind)]


def redraw_matches(programme) -> bool:
    """Draw again with the programme's seed over the month's records as they are now: True
    when it gives the sample on record (False when records of the month changed since)."""
    population = month_population(programme.month)
    again = rules.stratified_sample(
        {team: [key for key, _ in items] for team, items in population.items()},
        per_team=programme.per_team, seed=programme.seed)
    drawn = {key for keys in again.values() for key in keys}
    held = {f"{a.kind}:{a.assessment_id or a.plan_id}"
            for a in programme.audits.only("kind", "assessment_id", "plan_id")}
    return drawn == held


@dataclass
class ThemeRow:
    label: str
    share: rules.Share


def themes(audits) -> list[ThemeRow]:
    """Per question of the tool: the share of its grades that are good or better. One query."""
    from .models import AuditAnswer, AuditStatus

    grades: dict[tuple, list[str]] = {}
    for answer in AuditAnswer.objects.filter(
        audit__in=audits, audit__status=AuditStatus.GRADED
    ).select_related("question").order_by("question__tool_id", "question__order"):
        key = (answer.question.order, answer.question.text)
        grades.setdefault(key, []).append(answer.grade)
    return [ThemeRow(text, rules.share_good_or_better(g)) for (_, text), g in grades.items()]


def team_shares(audits) -> list[ThemeRow]:
    """By team: the share of audits graded good or better overall. One query."""
    from .models import AuditStatus

    grades: dict[str, list[str]] = {}
    for team, grade in audits.filter(status=AuditStatus.GRADED).values_list(
            "team__name", "grade"):
        grades.setdefault(team, []).append(grade)
    return [ThemeRow(team, rules.share_good_or_better(g)) for team, g in sorted(grades.items())]


def audit_figures(*, user, start=None, end=None) -> dict | None:
    """Themes and the share good or better by team over the programmes of the months from
    `start` to `end` (every programme without them): the dashboard's and board report's
    section. None for those who do not run the strategy."""
    from .models import CaseAudit

    if not runs_strategy(user):
        return None
    audits = CaseAudit.objects.all()
    if start is not None:
        audits = audits.filter(programme__month__gte=start.replace(day=1))
    if end is not None:
        audits = audits.filter(programme__month__lte=end)
    by_team = team_shares(audits)
    overall = rules.Share(sum(r.share.good for r in by_team), sum(r.share.total for r in by_team))
    return {"themes": themes(audits), "teams": by_team, "overall": overall}


def audited_record(audit_) -> dict:
    """What the auditor reads: the assessment's entries and needs, or the plan's outcomes,
    actions and the episode's reviews. Read through the audit (already scoped and audited)."""
    from earlyhelp.assessments.models import AssessmentEntry, PresentingNeed
    from earlyhelp.plans.models import PlanAction, PlanOutcome, Review

    if audit_.kind == "assessment":
        return {
            "entries": AssessmentEntry.objects.filter(assessment_id=audit_.assessment_id),
            "needs": PresentingNeed.objects.filter(
                assessment_id=audit_.assessment_id).select_related("theme"),
        }
    return {
        "outcomes": PlanOutcome.objects.filter(plan_id=audit_.plan_id),
        "actions": PlanAction.objects.filter(plan_id=audit_.plan_id).order_by("due_date"),
        "reviews": Review.objects.filter(episode_id=audit_.episode_id).order_by("held_on"),
    }


def programme_audits_for(*, user) -> QuerySet:
    """Every audit of every programme, for those who run the strategy (to reassign)."""
    require_strategy(user)
    return _audits()


def compliance_tables(*, user) -> list[tuple[str, list[ComplianceRow]]]:
    """Compliance by contact class, organisation and team (the workforce page and the
    dashboard show the same tables)."""
    require_strategy(user)
    counted = _staff_compliance(dates.today())  # four queries for the three tables
    return [(label, _group(counted, by)) for by, label in BY.items()]


def dashboard_section(*, user, period) -> dict | None:
    """The strategy's part of the insights dashboard: workforce compliance today and the audits
    of the period's months. None for those who do not run the strategy."""
    if not runs_strategy(user):
        return None
    return {"compliance": compliance_tables(user=user),
            "audits": audit_figures(user=user, start=period.start, end=period.end)}
