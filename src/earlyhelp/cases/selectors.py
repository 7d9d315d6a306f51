"""Reads of episodes and caseloads, always scoped to the user."""

from django.db.models import Count, Prefetch, Q, QuerySet

from earlyhelp.core import audit, dates
from earlyhelp.core.access import get_visible_or_404, visible_episodes

from .models import Episode, EpisodeStatus, TafMember


def episode_list(*, user, filters: dict | None = None) -> QuerySet[Episode]:
    filters = filters or {}
    episodes = visible_episodes(user).select_related(
        "family", "team", "lead_practitioner", "level"
    )
    if filters.get("status"):
        episodes = episodes.filter(status=filters["status"])
    if filters.get("team"):
        episodes = episodes.filter(team_id=filters["team"])
    if filters.get("lead_practitioner"):
        episodes = episodes.filter(lead_practitioner_id=filters["lead_practitioner"])
    if filters.get("family"):
        episodes = episodes.filter(family_id=filters["family"])
    if filters.get("route_in"):
        episodes = episodes.filter(route_in=filters["route_in"])
    if filters.get("unallocated") in (True, "true", "1"):
        episodes = episodes.filter(lead_practitioner__isnull=True)
    return episodes.order_by("-start_date", "reference")


def episode_detail(*, user, episode_id) -> Episode:
    """One episode with everything its page or API response needs, in a fixed number of queries."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.plans.models import Plan, Review

    episode = get_visible_or_404(
        visible_episodes(user)
        .select_related("family", "team", "lead_practitioner", "level", "contact")
        .prefetch_related(
            "focus_children",
            Prefetch(
                "taf_members",
                queryset=TafMember.objects.select_related("organisation", "user"),
            ),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("completing_organisation")
                .prefetch_related("presenting_needs__theme", "entries"),
            ),
            Prefetch(
                "plans",
                queryset=Plan.objects.prefetch_related("outcomes", "actions__owner"),
            ),
            Prefetch("reviews", queryset=Review.objects.prefetch_related("scores")),
            "transitions",
        ),
        pk=episode_id,
    )
    audit.record_view(user=user, obj=episode, family_id=episode.family_id)
    return episode


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


def episode_notes(*, user, episode: Episode) -> QuerySet:
    """Case notes of an episode already fetched through episode_detail (so in scope).

    Sensitive notes are for the roles settings.EARLYHELP_SENSITIVE_FIELDS names (early help
    staff) and the lead practitioner only."""
    from earlyhelp.core.security.sensitive import CASE_NOTE, may_see

    from .models import CaseNote

    notes = CaseNote.objects.filter(episode=episode).select_related("author")
    if not may_see(user, CASE_NOTE, episode=episode):
        notes = notes.filter(is_sensitive=False)
    return notes.order_by("-written_at")


# ---------------------------------------------------------------------------------------------
# Reads for the practitioner pages (web): work queues, caseload rows, the family timeline.
# ---------------------------------------------------------------------------------------------

# Local timescales (the council may change them): an early help assessment is due 45 days after
# the episode starts; the first review 12 weeks after the plan starts, later ones on the date the
# previous review set.
ASSESSMENT_DUE_DAYS = 45
FIRST_REVIEW_WEEKS = 12


def episode_for_page(*, user, episode_id, detail: str = "") -> Episode:
    """One episode in scope with its family, team and lead – for form pages; audited as a view."""
    episode = get_visible_or_404(
        visible_episodes(user).select_related("family", "team", "lead_practitioner", "level"),
        pk=episode_id,
    )
    audit.record_view(user=user, obj=episode, family_id=episode.family_id, detail=detail)
    return episode


def _review_annotations(queryset):
    """Annotate the date the next review is due: the last review's next date, or – before any
    review – 12 weeks after the active plan started."""
    from django.db.models import Exists, OuterRef, Subquery

    from earlyhelp.plans.models import Plan, PlanStatus, Review

    last = Review.objects.filter(episode=OuterRef("pk")).order_by("-held_on", "-created_at")
    plan = Plan.objects.filter(episode=OuterRef("pk"), status=PlanStatus.ACTIVE).order_by(
        "-started_on"
    )
    return queryset.annotate(
        has_review=Exists(Review.objects.filter(episode=OuterRef("pk"))),
        last_review_on=Subquery(last.values("held_on")[:1]),
        last_next_review_due=Subquery(last.values("next_review_due")[:1]),
        active_plan_started=Subquery(plan.values("started_on")[:1]),
    )


def _overdue_review_q(today):
    import datetime as dt

    first_due_before = today - dt.timedelta(weeks=FIRST_REVIEW_WEEKS)
    return Q(has_review=True, last_next_review_due__lt=today) | Q(
        has_review=False, active_plan_started__lt=first_due_before
    )


def next_review_due(episode):
    """The due date of the next review for an episode annotated by `_review_annotations`."""
    import datetime as dt

    if episode.has_review:
        return episode.last_next_review_due
    if episode.active_plan_started:
        return episode.active_plan_started + dt.timedelta(weeks=FIRST_REVIEW_WEEKS)
    return None


def _assessment_completed():
    from django.db.models import Exists, OuterRef

    from earlyhelp.assessments.models import Assessment, AssessmentStatus

    return Exists(
        Assessment.objects.filter(episode=OuterRef("pk"), status=AssessmentStatus.COMPLETED)
    )


def episodes_unallocated(*, user) -> QuerySet[Episode]:
    """Open episodes in scope with no lead practitioner, oldest first."""
    return (
        visible_episodes(user)
        .filter(status=EpisodeStatus.OPEN, lead_practitioner__isnull=True)
        .select_related("family", "team", "level")
        .order_by("start_date", "reference")
    )


def episodes_assessment_overdue(*, user, today=None) -> QuerySet[Episode]:
    """Open episodes without a completed assessment 45 days after they started."""
    import datetime as dt

    today = today or dates.today()
    return (
        visible_episodes(user)
        .filter(
            status=EpisodeStatus.OPEN,
            start_date__lt=today - dt.timedelta(days=ASSESSMENT_DUE_DAYS),
        )
        .annotate(assessment_done=_assessment_completed())
        .filter(assessment_done=False)
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date", "reference")
    )


def episodes_review_overdue(*, user, today=None) -> QuerySet[Episode]:
    """Open episodes whose next review date has passed."""

    today = today or dates.today()
    return (
        _review_annotations(visible_episodes(user).filter(status=EpisodeStatus.OPEN))
        .filter(_overdue_review_q(today))
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date", "reference")
    )


def actions_past_due(*, user, today=None):
    """Open plan actions past their due date, on active plans of episodes in scope."""

    from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

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


def caseload_rows(*, user, worker=None, today=None) -> QuerySet[Episode]:
    """A worker's open episodes with what the caseload page shows, in one query per page:
    assessment done, next review due, and the number of actions past due."""

    from django.db.models import Exists, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from earlyhelp.assessments.models import Assessment, AssessmentStatus
    from earlyhelp.plans.models import ActionStatus, PlanAction

    today = today or dates.today()
    worker = worker or user
    late = (
        PlanAction.objects.filter(
            plan__episode=OuterRef("pk"), status=ActionStatus.OPEN, due_date__lt=today
        )
        .order_by()
        .values("plan__episode")
        .annotate(n=Count("id"))
        .values("n")
    )
    return _review_annotations(
        visible_episodes(user)
        .filter(lead_practitioner=worker, status=EpisodeStatus.OPEN)
        .select_related("family", "team", "level")
        .annotate(
            assessment_done=_assessment_completed(),
            assessment_started=Exists(
                Assessment.objects.filter(
                    episode=OuterRef("pk"), status=AssessmentStatus.IN_PROGRESS
                )
            ),
            actions_late=Coalesce(Subquery(late, output_field=IntegerField()), 0),
        )
    ).order_by("start_date", "reference")


def team_workers(*, user):
    """Early help staff whose caseloads a manager may open: users in the teams of their service."""
    from earlyhelp.core.models import Role, User

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


# Timeline rows: each source contributes (order, kind, date, time, at, episode, contact, t1–t4),
# one UNION ALL sorted and sliced in the database, so a page costs two queries (count and page)
# however long the household's history is.
_TIMELINE_COLUMNS = ("tl_order", "tl_kind", "tl_date", "tl_time", "tl_at", "tl_episode",
                     "tl_contact", "tl_t1", "tl_t2", "tl_t3", "tl_t4")  # fmt: skip


def _timeline_rows(queryset, order, kind, *, at=None, date=None, episode=None, contact=None,
                   texts=()):  # fmt: skip
    """One source of timeline rows: `at` (a datetime field) or `date` (a date field) places it."""
    import datetime as dt

    from django.db.models import CharField, DateTimeField, F, TimeField, UUIDField, Value
    from django.db.models.functions import Cast, Coalesce, TruncDate, TruncTime

    def text(expr):
        if expr is None:
            return Value("", output_field=CharField())
        return Coalesce(Cast(F(expr), CharField()), Value(""), output_field=CharField())

    def ref(expr):
        # A typed NULL: PostgreSQL must not guess text for the column of a UNION.
        return F(expr) if expr else Cast(Value(None), UUIDField())

    texts = list(texts) + [None] * (4 - len(texts))
    placed = (
        {"tl_date": TruncDate(at), "tl_time": TruncTime(at),
         "tl_at": F(at)}
        if at
        else {"tl_date": F(date), "tl_time": Value(dt.time.max, output_field=TimeField()),
              "tl_at": Cast(Value(None), DateTimeField())}
    )  # fmt: skip
    return (
        queryset.order_by()
        .annotate(
            tl_order=Value(order),
            tl_kind=Value(kind, output_field=CharField()),
            **placed,
            tl_episode=ref(episode),
            tl_contact=ref(contact),
            **{f"tl_t{n}": text(expr) for n, expr in enumerate(texts, start=1)},
        )
        .values(*_TIMELINE_COLUMNS)
    )


def _label(choices, value) -> str:
    """What get_FOO_display() would say for a value read without its model."""
    return str(dict(choices.choices).get(value, value))


class FamilyTimeline:
    """Everything that happened to a household, newest first, as a lazy sequence a Paginator
    slices: `len()` is one COUNT, a slice is one query for just that page's rows."""

    def __init__(self, rows, consent_names: dict):
        self._rows = rows
        self._names = consent_names
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._event(row) for row in self._rows[key]]
        return self._event(self._rows[key])

    def __iter__(self):
        return iter(self[:])

    def _event(self, row) -> dict:
        import datetime as dt

        from django.utils import timezone

        from earlyhelp.frontdoor.models import TriageOutcome
        from earlyhelp.people.models import ConsentKind, ConsentStatus

        from .models import ClosureOutcome, RouteIn, TransitionKind

        kind, t1, t2, t3, t4 = (row[c] for c in ("tl_kind", "tl_t1", "tl_t2", "tl_t3", "tl_t4"))
        label = {
            "contact": lambda: (
                f"Request for support {t1} received", f"From {t2}{', ' + t3 if t3 else ''}"
            ),
            "decision": lambda: (
                f"Front door decision: {_label(TriageOutcome, t1)}", f"Level of need: {t2}"
            ),
            "episode": lambda: (
                f"Early help episode {t1} opened", f"{_label(RouteIn, t2)}; {t3}"
            ),
            "closure": lambda: (
                f"Episode {t1} closed", _label(ClosureOutcome, t2)
            ),
            "transition": lambda: (_label(TransitionKind, t1), t2),
            "assessment": lambda: ("Early help assessment started", ""),
            "assessment_completed": lambda: ("Early help assessment completed", ""),
            "plan": lambda: ("Plan started", ""),
            "review": lambda: ("Review held", t1),
            "note": lambda: (
                f"Case note: {t1}", f"By {f'{t2} {t3}'.strip() or t4}"
            ),
            "consent": lambda: (
                f"{_label(ConsentKind, t1)}: {_label(ConsentStatus, t2).lower()}",
                self._names.get(str(t3).replace("-", ""), ""),
            ),
        }[kind]
        title, text = label()
        at = row["tl_at"]
        has_time = at is not None
        if has_time and timezone.is_aware(at):
            at = timezone.localtime(at)
        date = row["tl_date"]
        if isinstance(date, str):  # SQLite hands back the text of a date computed in SQL
            date = dt.date.fromisoformat(date)
        return {
            "date": date,
            "at": at if has_time else date,
            "has_time": has_time,
            "kind": "assessment" if kind == "assessment_completed" else kind,
            "title": title,
            "text": text,
            "episode_id": row["tl_episode"],
            "contact_id": row["tl_contact"],
        }


def family_timeline(*, user, family) -> FamilyTimeline:
    """Everything that happened to a household, newest first: requests and decisions, episodes
    opened and closed, step-ups and step-downs, assessments, plans, reviews, case notes
    (sensitive ones only for early help staff and the lead) and consent decisions. Sorted and
    paginated in the database. `family` must come from a scoped selector (family_detail)."""
    from earlyhelp.assessments.models import Assessment
    from earlyhelp.core.security.sensitive import CASE_NOTE, may_see
    from earlyhelp.frontdoor.models import Contact, TriageDecision
    from earlyhelp.people.models import Consent
    from earlyhelp.plans.models import Plan, Review

    from .models import CaseNote, Transition

    episodes = Episode.objects.filter(family=family)
    assessments = Assessment.objects.filter(episode__family=family)
    notes = CaseNote.objects.filter(episode__family=family)
    if not may_see(user, CASE_NOTE):  # by role; else the lead practitioner sees their episodes'
        lead_sees = may_see(user, CASE_NOTE, episode=Episode(lead_practitioner_id=user.pk))
        led = Q(episode__lead_practitioner_id=user.pk) if lead_sees else Q(pk__in=[])
        notes = notes.filter(Q(is_sensitive=False) | led)
    members = family.memberships.all()  # prefetched by family_detail
    sources = [
        _timeline_rows(
            Contact.objects.filter(family=family), 0, "contact", at="received_at",
            contact="id", texts=["reference", "referrer_name", "referrer_organisation__name"],
        ),
        _timeline_rows(
            TriageDecision.objects.filter(contact__family=family), 1, "decision",
            at="decided_at", contact="contact_id", texts=["outcome", "level__name"],
        ),
        _timeline_rows(
            episodes, 2, "episode", date="start_date", episode="id",
            texts=["reference", "route_in", "team__name"],
        ),
        _timeline_rows(
            episodes.filter(end_date__isnull=False), 3, "closure", date="end_date",
            episode="id", texts=["reference", "closure_outcome"],
        ),
        _timeline_rows(
            Transition.objects.filter(family=family), 4, "transition", date="date",
            episode="episode_id", texts=["kind", "reason"],
        ),
        _timeline_rows(
            assessments, 5, "assessment", date="started_on", episode="episode_id"
        ),
        _timeline_rows(
            assessments.filter(completed_on__isnull=False), 6, "assessment_completed",
            date="completed_on", episode="episode_id",
        ),
        _timeline_rows(
            Plan.objects.filter(episode__family=family), 7, "plan", date="started_on",
            episode="episode_id",
        ),
        _timeline_rows(
            Review.objects.filter(episode__family=family), 8, "review", date="held_on",
            episode="episode_id", texts=["summary"],
        ),
        _timeline_rows(
            notes, 9, "note", at="written_at", episode="episode_id",
            texts=["subject", "author__first_name", "author__last_name", "author__username"],
        ),
        _timeline_rows(
            Consent.objects.filter(person_id__in=[m.person_id for m in members]), 10,
            "consent", date="decided_on", texts=["kind", "status", "person_id"],
        ),
    ]
    rows = sources[0].union(*sources[1:], all=True).order_by(
        "-tl_date", "-tl_time", "tl_order", "-tl_at"
    )
    names = {m.person_id.hex: m.person.full_name for m in members}
    return FamilyTimeline(rows, names)
