"""Worklists: a worker's caseload, the team manager's counts and queues, always scoped to the
user. Due dates come from the one timescales configuration (cases.models.Timescales)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from earlyhelp.access.scoping import visible_episodes
from earlyhelp.assessments.models import AssessmentStatus, PresentingNeed
from earlyhelp.cases.models import AssessmentState, Episode, EpisodeStatus, Timescales
from earlyhelp.core import dates
from earlyhelp.core.models import Role, User
from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

from .models import CaseloadWeights, WorkerCapacity
from .rules import Load, episode_weight


def caseload(*, user, worker=None) -> QuerySet[Episode]:
    """Open episodes a worker leads (the user's own by default), within the user's scope."""
    worker = worker or user
    return (
        visible_episodes(user)
        .filter(lead_practitioner=worker, status=EpisodeStatus.OPEN)
        .select_related("family", "team", "level")
        .annotate(review_count=Count("reviews"))
        .order_by("start_date", "reference")
    )


def overdue_review_q(today):
    return Q(next_review_due__lt=today)


def assessment_done_q():
    return Q(assessment_state=AssessmentState.COMPLETED)


def episodes_unallocated(*, user) -> QuerySet[Episode]:
    """Open episodes in scope with no lead practitioner, oldest first."""
    return (
        visible_episodes(user)
        .filter(status=EpisodeStatus.OPEN, lead_practitioner__isnull=True)
        .select_related("family", "team", "level")
        .order_by("start_date", "reference")
    )


def episodes_assessment_overdue(*, user, today=None) -> QuerySet[Episode]:
    """Open episodes without a completed assessment within the assessment timescale."""
    today = today or dates.today()
    due_days = Timescales.current().assessment_due_days
    return (
        visible_episodes(user)
        .filter(status=EpisodeStatus.OPEN, start_date__lt=today - dt.timedelta(days=due_days))
        .exclude(assessment_done_q())
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date", "reference")
    )


def episodes_review_overdue(*, user, today=None) -> QuerySet[Episode]:
    """Open episodes whose next review date has passed."""
    today = today or dates.today()
    return (
        visible_episodes(user)
        .filter(overdue_review_q(today), status=EpisodeStatus.OPEN)
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date", "reference")
    )


def actions_past_due(*, user, today=None):
    """Open plan actions past their due date, on active plans of episodes in scope."""
    today = today or dates.today()
    return (
        PlanAction.objects.filter(
            plan__episode__in=visible_episodes(user).filter(status=EpisodeStatus.OPEN),
            plan__status=PlanStatus.ACTIVE,
            status=ActionStatus.OPEN,
            due_date__lt=today,
        )
        .select_related("plan__episode__family", "owner")
        .order_by("due_date", "created_at")
    )


def work_counts(*, user, today=None) -> dict:
    """Counts for a start page or the team manager's view (one query each)."""
    return {
        "unallocated": episodes_unallocated(user=user).count(),
        "assessment_overdue": episodes_assessment_overdue(user=user, today=today).count(),
        "review_overdue": episodes_review_overdue(user=user, today=today).count(),
        "actions_past_due": actions_past_due(user=user, today=today).count(),
    }


def _actions_late(today, coalesce=True):
    """Open plan actions past their due date, per episode (a correlated count)."""
    late = (
        PlanAction.objects.filter(
            plan__episode=OuterRef("pk"), status=ActionStatus.OPEN, due_date__lt=today
        )
        .order_by()
        .values("plan__episode")
        .annotate(n=Count("id"))
        .values("n")
    )
    late = Subquery(late, output_field=IntegerField())
    return Coalesce(late, 0) if coalesce else late


def caseload_rows(*, user, worker=None, today=None) -> QuerySet[Episode]:
    """A worker's open episodes with what the caseload page shows, in one query per page:
    assessment done or started and next review due (columns of the episode), and the number of
    actions past due."""
    today = today or dates.today()
    worker = worker or user
    return (
        visible_episodes(user)
        .filter(lead_practitioner=worker, status=EpisodeStatus.OPEN)
        .select_related("family", "team", "level")
        .annotate(actions_late=_actions_late(today))
        .order_by("start_date", "reference")
    )


def mark_due(rows, today):
    """Set on each caseload row what is due: review_due, review_overdue, assessment_overdue."""
    timescales = Timescales.current()
    for episode in rows:
        due = episode.next_review_due  # kept by the services (cases.state)
        episode.review_due = due
        episode.review_overdue = bool(due and due < today)
        episode.assessment_overdue = not episode.assessment_done and (
            timescales.assessment_due(episode.start_date) < today
        )
    return rows


def caseload_summary(*, user, today=None) -> dict:
    """The user's own caseload in four numbers, for their start page: counted in the database
    (one query), as mark_due would mark the caseload page's rows."""
    today = today or dates.today()
    overdue_from = today - dt.timedelta(days=Timescales.current().assessment_due_days)
    rows = caseload_rows(user=user, worker=user, today=today)
    # Summed under a name of its own: an aggregate over the Coalesce annotation loses it.
    rows = rows.annotate(late_n=_actions_late(today, coalesce=False))
    counts = rows.order_by().aggregate(
        open=Count("id"),
        assessment_overdue=Count(
            "id", filter=~assessment_done_q() & Q(start_date__lt=overdue_from)
        ),
        review_overdue=Count("id", filter=overdue_review_q(today)),
        actions_late=Sum("late_n"),
    )
    counts["actions_late"] = counts["actions_late"] or 0
    return counts


def team_workers(*, user):
    """Early help staff whose caseloads a manager may open: users in the teams of their service."""
    if user.team_id is None:
        return User.objects.none()
    service_id = user.team.service_id
    teams = Q(team__service_id=service_id) if service_id else Q(team_id=user.team_id)
    return (
        User.objects.filter(teams, is_active=True, role__in=[Role.WORKER, Role.MANAGER])
        .select_related("team")
        .annotate(
            open_cases=Count(
                "episodes_led", filter=Q(episodes_led__status=EpisodeStatus.OPEN), distinct=True
            )
        )
        .order_by("last_name", "first_name")
    )


def worker_loads(*, user, workers) -> dict:
    """Each worker's open episodes (within the user's scope) counted and weighted by the
    caseload weights, against their capacity: {worker id: Load}. Three queries whatever the
    number of workers or episodes: the weights, the capacities, the episodes."""
    weights = CaseloadWeights.current()
    ids = [worker.pk for worker in workers]
    capacities = dict(
        WorkerCapacity.objects.filter(user_id__in=ids).values_list("user_id", "capacity")
    )
    complex_needs = (
        PresentingNeed.objects.filter(
            assessment__episode=OuterRef("pk"),
            assessment__status=AssessmentStatus.COMPLETED,
            theme__code__in=weights.complex_need_codes or [],
        )
        .order_by()
        .values("assessment__episode")
        .annotate(n=Count("id"))
        .values("n")
    )
    focus = (
        Episode.focus_children.through.objects.filter(episode_id=OuterRef("pk"))
        .order_by()
        .values("episode_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    episodes = (
        visible_episodes(user)
        .filter(lead_practitioner_id__in=ids, status=EpisodeStatus.OPEN)
        .annotate(
            focus_count=Coalesce(Subquery(focus, output_field=IntegerField()), 0),
            complex_count=Coalesce(Subquery(complex_needs, output_field=IntegerField()), 0),
        )
        .values_list(
            "lead_practitioner_id", "level__band", "focus_count", "assessment_state",
            "complex_count",
        )
    )
    counts = dict.fromkeys(ids, 0)
    totals = {pk: Decimal(0) for pk in ids}
    for lead_id, band, children, assessment, complex_count in episodes:
        counts[lead_id] += 1
        totals[lead_id] += episode_weight(
            weights, band=band, focus_children=children,
            assessment_done=assessment == AssessmentState.COMPLETED,
            complex_needs=complex_count,
        )
    return {
        pk: Load(
            count=counts[pk], weighted=totals[pk],
            capacity=capacities.get(pk, weights.default_capacity),
        )
        for pk in ids
    }


def team_loads(*, user) -> list:
    """The team page's caseloads: each worker with `.load`, the most loaded (against their
    capacity) first."""
    workers = candidate_loads(user=user, candidates=team_workers(user=user))
    return sorted(
        workers,
        key=lambda w: (-w.load.weighted / w.load.capacity, w.last_name, w.first_name),
    )


def candidate_loads(*, user, candidates) -> list:
    """The allocation page's candidates, each with `.load`, in the candidates' order."""
    candidates = list(candidates)
    loads = worker_loads(user=user, workers=candidates)
    for candidate in candidates:
        candidate.load = loads[candidate.pk]
    return candidates
