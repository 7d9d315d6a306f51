"""Worklists: a worker's caseload, the team manager's counts and queues, always scoped to the
user. Due dates come from the one timescales configuration (cases.models.Timescales)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from earlyhelp.access.scoping import visible_episodes
from earlyhelp.cases.models import AssessmentState, Episode, EpisodeStatus, Timescales
from earlyhelp.core import dates
from earlyhelp.core.models import Role, User
from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

from .models import CaseloadWeights, WorkerCapacity
from .rules import Load


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
        # The id last: actions added together tie on both, and a page must not depend on luck.
        .order_by("due_date", "created_at", "id")
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


def caseload_summary_counts(today) -> dict:
    """The aggregates of a caseload's four numbers (caseload_summary), to add to another
    aggregate over the same episodes (the start page's action-needed counts)."""
    overdue_from = today - dt.timedelta(days=Timescales.current().assessment_due_days)
    return {
        "open": Count("id"),
        "assessment_overdue": Count(
            "id", filter=~assessment_done_q() & Q(start_date__lt=overdue_from)
        ),
        "review_overdue": Count("id", filter=overdue_review_q(today)),
        "actions_late": Sum(_actions_late(today, coalesce=False)),
    }


def caseload_summary(*, user, today=None) -> dict:
    """The user's own caseload in four numbers, for their start page: counted in the database
    (one query), as mark_due would mark the caseload page's rows."""
    today = today or dates.today()
    rows = (
        visible_episodes(user).filter(lead_practitioner=user, status=EpisodeStatus.OPEN).order_by()
    )
    counts = rows.aggregate(**caseload_summary_counts(today))
    counts["actions_late"] = counts["actions_late"] or 0
    return counts


def team_workers(*, user):
    """Early help staff whose caseloads a manager may open: users in the teams of their service."""
    if user.team_id is None:
        return User.objects.none()
    service_id = user.team.service_id
    teams = Q(team__service_id=service_id) if service_id else Q(team_id=user.team_id)
    # No count of episodes here: the loads come from one grouped query (open_episodes_by_lead).
    return (
        User.objects.filter(teams, is_active=True, role__in=[Role.WORKER, Role.MANAGER])
        .select_related("team")
        .order_by("last_name", "first_name")
    )


BANDS = ("universal", "early_help", "targeted", "statutory")  # CaseloadWeights.level_weights


def _rows_per_episode(queryset) -> tuple[str, list]:
    """SQL of one row per counted item (column k: its episode), for the grouped query to count
    per episode."""
    return queryset.order_by().values_list("k").query.sql_with_params()


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def open_episodes_by_lead(*, user, today, lead_ids=None) -> dict:
    """The user's open episodes in scope, grouped by lead practitioner (None: unallocated), in
    one query: {lead id: row} with the episode count, the counts that weigh them (per level
    band, focus children after the first, assessments not completed, complex needs found) and
    what is overdue. Only a row per lead practitioner leaves the database, never an episode.

    The focus children and complex needs are counts kept on the episode by the services
    (cases.state COUNTS, by the weights' complex need codes): summed, not joined – joining the
    focus children, completed assessments and their needs to a service's every open episode
    was ~110 ms of a ~185 ms query on the full-size borough on PostgreSQL. Late actions depend
    on the day, so they are counted here: the scoped episodes are found once (a WITH,
    materialised by both databases as it is read twice), then the open actions past due (a
    few thousand: plans' action_open_due_idx) are counted per episode and joined to them. Each
    part's SQL is the ORM's; only the WITH, joins and sums are ours."""
    overdue_from = today - dt.timedelta(days=Timescales.current().assessment_due_days)
    episodes = visible_episodes(user).filter(status=EpisodeStatus.OPEN)
    if lead_ids is not None:
        episodes = episodes.filter(lead_practitioner_id__in=lead_ids)
    not_done = ~assessment_done_q()
    extra = F("focus_children_count") - 1
    episodes = (
        episodes.order_by()
        .annotate(
            e_id=F("pk"),
            e_lead=F("lead_practitioner_id"),
            e_band=F("level__band"),
            e_extra=Case(When(focus_children_count__gt=1, then=extra), default=Value(0),
                         output_field=IntegerField()),
            e_complex=F("complex_needs_count"),
            e_not_done=_flag(not_done),
            e_assessment_overdue=_flag(not_done & Q(start_date__lt=overdue_from)),
            e_review_overdue=_flag(overdue_review_q(today)),
        )
        .values("e_id", "e_lead", "e_band", "e_extra", "e_complex", "e_not_done",
                "e_assessment_overdue", "e_review_overdue")
    )  # fmt: skip
    try:
        scoped = episodes.query.sql_with_params()
    except EmptyResultSet:  # no scope at all (visible_episodes: none())
        return {}
    late = PlanAction.objects.filter(
        plan__status=PlanStatus.ACTIVE, status=ActionStatus.OPEN, due_date__lt=today
    ).annotate(k=F("plan__episode_id"))
    parts = [scoped, _rows_per_episode(late)]
    sql = _BY_LEAD_SQL.format(*(sql for sql, _ in parts))
    params = [param for _, part_params in parts for param in part_params]
    names = [
        "n", *(f"band_{band}" for band in BANDS), "extra_children", "not_done", "complex_needs",
        "assessment_overdue", "review_overdue", "actions_past_due",
    ]  # fmt: skip
    lead_field = Episode._meta.get_field("lead_practitioner")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        lead_field.to_python(row[0]) if row[0] is not None else None: {
            name: int(value or 0) for name, value in zip(names, row[1:], strict=True)
        }
        for row in rows
    }


def _by_lead_sql() -> str:
    """The grouped query around the parts' SQL ({} placeholders: the scoped episodes, then the
    rows of late actions): one UNION ALL branch per part, a row per lead with its own counts
    and 0 for the others, summed by lead."""
    order = ["n", *BANDS, "extra", "not_done", "complex", "ao", "ro", "late"]

    def branch(source: str = "e", **counts) -> str:
        columns = ["e.e_lead", *(counts.get(name, "0") for name in order)]
        named = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
        return f"SELECT {named} FROM {source} GROUP BY e.e_lead"

    bands = {band: f"SUM(CASE WHEN e.e_band = '{band}' THEN 1 ELSE 0 END)" for band in BANDS}
    branches = [
        branch(n="COUNT(*)", **bands, extra="SUM(e.e_extra)", not_done="SUM(e.e_not_done)",
               complex="SUM(e.e_complex)", ao="SUM(e.e_assessment_overdue)",
               ro="SUM(e.e_review_overdue)"),
        # The late actions grouped by episode first (a few thousand rows), then joined: a plan
        # driven from the open actions, not from each scoped episode's plans (an aggregate is
        # never flattened into the join, whatever the statistics say).
        branch("e INNER JOIN (SELECT y.k, COUNT(*) AS n FROM ({}) y GROUP BY y.k) x"
               " ON x.k = e.e_id", late="SUM(x.n)"),
    ]  # fmt: skip
    sums = ", ".join(f"SUM(t.c{i})" for i in range(1, len(order) + 1))
    union = " UNION ALL ".join(branches)
    return f"WITH e AS ({{}}) SELECT t.c0, {sums} FROM ({union}) t GROUP BY t.c0"


_BY_LEAD_SQL = _by_lead_sql()


def _weighted(weights, row, levels=None) -> Decimal:
    """A lead's load from their grouped row: the sum of episode_weight over their episodes
    (every term of the rule is linear in the counts, but the extra children, which the query
    sums already clipped at zero)."""
    levels = levels or weights.level_weights()
    banded = sum(row[f"band_{band}"] for band in BANDS)
    return (
        sum((levels[band] * row[f"band_{band}"] for band in BANDS), Decimal(0))
        + weights.no_level * (row["n"] - banded)
        + weights.each_extra_child * (row["extra_children"] or 0)
        + weights.assessment_stage * row["not_done"]
        + weights.complex_need * (row["complex_needs"] or 0)
    )


def _load(weights, levels, row, capacity) -> Load:
    if row is None:  # no open episode in scope
        return Load(count=0, weighted=Decimal(0), capacity=capacity)
    return Load(count=row["n"], weighted=_weighted(weights, row, levels), capacity=capacity)


def _loads(weights, ids, by_lead) -> dict:
    capacities = dict(
        WorkerCapacity.objects.filter(user_id__in=ids).values_list("user_id", "capacity")
    )
    levels = weights.level_weights()
    return {
        pk: _load(weights, levels, by_lead.get(pk), capacities.get(pk, weights.default_capacity))
        for pk in ids
    }


def worker_loads(*, user, workers) -> dict:
    """Each worker's open episodes (within the user's scope) counted and weighted by the
    caseload weights, against their capacity: {worker id: Load}. Three queries whatever the
    number of workers or episodes: the weights, the capacities, the episodes grouped by worker."""
    weights = CaseloadWeights.current()
    ids = [worker.pk for worker in workers]
    by_lead = open_episodes_by_lead(user=user, today=dates.today(), lead_ids=ids)
    return _loads(weights, ids, by_lead)


@dataclass(slots=True)
class TeamWorker:
    """What the team page shows of a worker (a row, not a User: a service has hundreds)."""

    pk: object
    username: str
    first_name: str
    last_name: str
    team_name: str
    load: Load | None = None

    @property
    def display_name(self) -> str:  # as User.display_name
        return f"{self.first_name} {self.last_name}".strip() or self.username


def team_overview(*, user, today=None) -> dict:
    """The team page in three queries, whatever the size of the service: the workers with their
    capacities, the weights, and the service's open episodes grouped by lead practitioner, from
    which come both the caseloads (`workers`, each with `.load`, the most loaded against their
    capacity first) and the counts of work that needs action (as work_counts)."""
    today = today or dates.today()
    weights = CaseloadWeights.current()
    rows = team_workers(user=user).values_list(
        "pk", "username", "first_name", "last_name", "team__name", "caseload_capacity__capacity"
    )
    by_lead = open_episodes_by_lead(user=user, today=today)
    levels = weights.level_weights()
    workers = []
    for *shown, capacity in rows:
        worker = TeamWorker(*shown)
        capacity = weights.default_capacity if capacity is None else capacity
        worker.load = _load(weights, levels, by_lead.get(worker.pk), capacity)
        workers.append(worker)
    workers.sort(key=lambda w: (-w.load.weighted / w.load.capacity, w.last_name, w.first_name))
    rows = by_lead.values()
    counts = {
        "unallocated": by_lead.get(None, {"n": 0})["n"],
        "assessment_overdue": sum(row["assessment_overdue"] for row in rows),
        "review_overdue": sum(row["review_overdue"] for row in rows),
        "actions_past_due": sum(row["actions_past_due"] or 0 for row in rows),
    }
    return {"workers": workers, "counts": counts, "weights": weights}


def team_loads(*, user) -> list:
    """The team page's caseloads: each worker with `.load`, the most loaded (against their
    capacity) first."""
    return team_overview(user=user)["workers"]


def candidate_loads(*, user, candidates) -> list:
    """The allocation page's candidates, each with `.load`, in the candidates' order."""
    candidates = list(candidates)
    loads = worker_loads(user=user, workers=candidates)
    for candidate in candidates:
        candidate.load = loads[candidate.pk]
    return candidates
