"""Reads of episodes and caseloads, always scoped to the user."""

from django.db.models import Count, Prefetch, Q, QuerySet

from earlyhelp.core import audit
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

    today = today or dt.date.today()
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
    import datetime as dt

    today = today or dt.date.today()
    return (
        _review_annotations(visible_episodes(user).filter(status=EpisodeStatus.OPEN))
        .filter(_overdue_review_q(today))
        .select_related("family", "team", "lead_practitioner")
        .order_by("start_date", "reference")
    )


def actions_past_due(*, user, today=None):
    """Open plan actions past their due date, on active plans of episodes in scope."""
    import datetime as dt

    from earlyhelp.plans.models import ActionStatus, PlanAction, PlanStatus

    today = today or dt.date.today()
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
    import datetime as dt

    from django.db.models import Exists, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from earlyhelp.assessments.models import Assessment, AssessmentStatus
    from earlyhelp.plans.models import ActionStatus, PlanAction

    today = today or dt.date.today()
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


def family_timeline(*, user, family) -> list[dict]:
    """Everything that happened to a household, newest first, from a fixed number of queries:
    requests and decisions, episodes opened and closed, step-ups and step-downs, assessments,
    plans, reviews, case notes (sensitive ones only for early help staff and the lead) and
    consent decisions. `family` must come from a scoped selector (family_detail)."""
    import datetime as dt

    from django.utils import timezone

    from earlyhelp.assessments.models import Assessment
    from earlyhelp.frontdoor.models import Contact
    from earlyhelp.people.models import Consent
    from earlyhelp.plans.models import Plan, Review

    from .models import CaseNote, Transition

    events = []

    def add(when, kind, title, text="", episode=None, contact=None):
        has_time = isinstance(when, dt.datetime)
        if has_time and timezone.is_aware(when):
            when = timezone.localtime(when)
        events.append(
            {
                "date": when.date() if has_time else when,
                "at": when,
                "has_time": has_time,
                "kind": kind,
                "title": title,
                "text": text,
                "episode_id": episode,
                "contact_id": contact,
            }
        )

    contacts = Contact.objects.filter(family=family).select_related(
        "referrer_organisation", "decision__level"
    )
    for contact in contacts:
        who = contact.referrer_organisation.name if contact.referrer_organisation else ""
        add(
            contact.received_at,
            "contact",
            f"Request for support {contact.reference} received",
            f"From {contact.referrer_name}{', ' + who if who else ''}",
            contact=contact.pk,
        )
        decision = getattr(contact, "decision", None)
        if decision is not None:
            add(
                decision.decided_at,
                "decision",
                f"Front door decision: {decision.get_outcome_display()}",
                f"Level of need: {decision.level.name}",
                contact=contact.pk,
            )
    episodes = list(
        Episode.objects.filter(family=family).select_related("team", "lead_practitioner")
    )
    for episode in episodes:
        add(
            episode.start_date,
            "episode",
            f"Early help episode {episode.reference} opened",
            f"{episode.get_route_in_display()}; {episode.team.name}",
            episode=episode.pk,
        )
        if episode.end_date:
            add(
                episode.end_date,
                "closure",
                f"Episode {episode.reference} closed",
                episode.get_closure_outcome_display(),
                episode=episode.pk,
            )
    for transition in Transition.objects.filter(family=family):
        add(
            transition.date,
            "transition",
            transition.get_kind_display(),
            transition.reason,
            episode=transition.episode_id,
        )
    for assessment in Assessment.objects.filter(episode__family=family):
        add(
            assessment.started_on,
            "assessment",
            "Early help assessment started",
            episode=assessment.episode_id,
        )
        if assessment.completed_on:
            add(
                assessment.completed_on,
                "assessment",
                "Early help assessment completed",
                episode=assessment.episode_id,
            )
    for plan in Plan.objects.filter(episode__family=family):
        add(plan.started_on, "plan", "Plan started", episode=plan.episode_id)
    for review in Review.objects.filter(episode__family=family):
        add(review.held_on, "review", "Review held", review.summary, episode=review.episode_id)
    notes = CaseNote.objects.filter(episode__family=family).select_related("author")
    from earlyhelp.core.security.sensitive import CASE_NOTE, may_see

    if not may_see(user, CASE_NOTE):  # by role; the lead practitioner sees their episodes'
        led = [e.pk for e in episodes if may_see(user, CASE_NOTE, episode=e)]
        notes = notes.filter(Q(is_sensitive=False) | Q(episode_id__in=led))
    for note in notes:
        add(
            note.written_at,
            "note",
            f"Case note: {note.subject}",
            f"By {note.author.display_name}",
            episode=note.episode_id,
        )
    member_ids = [m.person_id for m in family.memberships.all()]
    names = {m.person_id: m.person.full_name for m in family.memberships.all()}
    for consent in Consent.objects.filter(person_id__in=member_ids):
        add(
            consent.decided_on,
            "consent",
            f"{consent.get_kind_display()}: {consent.get_status_display().lower()}",
            names.get(consent.person_id, ""),
        )
    def sort_key(event):
        return (event["date"], event["at"].time() if event["has_time"] else dt.time.max)

    events.sort(key=sort_key, reverse=True)
    return events
