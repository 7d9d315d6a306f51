"""Each episode's journey state, kept on the episode (issue 19;
docs/decisions/episode-state-on-the-episode.md).

The worklists, start pages and team pages ask of thousands of open episodes at once: when is the
next review due, is an assessment completed or in progress. Asked of the source rows that is
several correlated subqueries per episode; so the answers are columns of the episode, and the
services that change the source rows keep them right in the same transaction:

- `next_review_due`: the last review's next date (the last review: latest held, then latest
  recorded) – or, before any review, the latest active plan's start plus the first review's
  timescale (`Timescales.first_review_days`) – else none;
- `last_review_on`: the day the last review was held;
- `assessment_state`: completed (any assessment completed), else in progress, else none;
  `assessment_completed_on` the latest completion date.

The `on_*` functions apply one change to a locked (fresh) episode in memory – no query – and
`save` writes the changed columns. `recompute` derives the state from the source rows for many
episodes at once: the backfill, a change of timescales, and `differences` (the nightly check,
`manage.py episode_state_check`) use it, so the incremental rules are checked against it.

The caseload weighting's counts (worklists) are kept here the same way (COUNTS): the focus
children (`count_focus_children`, by the services that change them) and the complex needs found
(`count_complex_needs`, when an assessment is completed: its presenting needs whose theme is one
of the complex need codes). The codes are the caseload weights' (worklists installs them with
`use_complex_need_codes`: the domain apps never import worklists); when they change,
`complex_need_codes_changed` recounts the open episodes in one statement. `recount` sets both
counts of any episodes from the source rows (the backfill, the demo, the check's --fix)."""

import datetime as dt

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from earlyhelp.assessments.models import Assessment, AssessmentStatus, PresentingNeed
from earlyhelp.plans.models import Plan, PlanStatus, Review

from .models import AssessmentState, Episode, EpisodeStatus, Timescales

FIELDS = ("next_review_due", "last_review_on", "assessment_state", "assessment_completed_on")
BATCH = 1000


def save(episode: Episode, fields) -> None:
    """Write the changed state columns (one UPDATE; none when nothing changed)."""
    if fields:
        Episode.objects.filter(pk=episode.pk).update(
            **{name: getattr(episode, name) for name in fields}
        )


def _set(episode, **values) -> list[str]:
    changed = [name for name, value in values.items() if getattr(episode, name) != value]
    for name in changed:
        setattr(episode, name, values[name])
    return changed


def on_review(episode: Episode, review: Review) -> list[str]:
    """A review just recorded: the last one unless an earlier meeting was recorded late (the
    new row is the latest recorded, so it wins a tie on the day)."""
    if episode.last_review_on is not None and review.held_on < episode.last_review_on:
        return []
    return _set(episode, last_review_on=review.held_on, next_review_due=review.next_review_due)


def on_plan_started(episode: Episode, plan: Plan, timescales=None) -> list[str]:
    """A plan started: before any review, the first review is due from the latest active
    plan's start."""
    if episode.last_review_on is not None:
        return []
    due = (timescales or Timescales.current()).first_review_due(plan.started_on)
    if episode.next_review_due is not None:
        due = max(due, episode.next_review_due)
    return _set(episode, next_review_due=due)


def on_plans_ended(episode: Episode) -> list[str]:
    """Every active plan ended (the episode closes): before any review, nothing is due."""
    if episode.last_review_on is not None:
        return []
    return _set(episode, next_review_due=None)


def on_assessment_started(episode: Episode) -> list[str]:
    if episode.assessment_state != AssessmentState.NONE:
        return []
    return _set(episode, assessment_state=AssessmentState.IN_PROGRESS)


def on_assessment_completed(episode: Episode, assessment: Assessment) -> list[str]:
    completed_on = assessment.completed_on
    if episode.assessment_completed_on is not None:
        completed_on = max(completed_on, episode.assessment_completed_on)
    return _set(
        episode, assessment_state=AssessmentState.COMPLETED, assessment_completed_on=completed_on
    )


def _source_rows(episodes, models=(Review, Plan, Assessment)):
    """(pk, stored state..., what the source rows say) for each episode: one query. (models:
    the historical ones in a migration.)"""
    Review, Plan, Assessment = models  # noqa: N806 – the model classes, by their names
    last = Review.objects.filter(episode=OuterRef("pk")).order_by("-held_on", "-created_at")
    plan = Plan.objects.filter(episode=OuterRef("pk"), status=PlanStatus.ACTIVE).order_by(
        "-started_on"
    )
    completed = Assessment.objects.filter(
        episode=OuterRef("pk"), status=AssessmentStatus.COMPLETED
    ).order_by("-completed_on")
    in_progress = Assessment.objects.filter(
        episode=OuterRef("pk"), status=AssessmentStatus.IN_PROGRESS
    )
    return (
        episodes.order_by()
        .annotate(
            src_last_on=Subquery(last.values("held_on")[:1]),
            src_last_next=Subquery(last.values("next_review_due")[:1]),
            src_plan_started=Subquery(plan.values("started_on")[:1]),
            src_completed_on=Subquery(completed.values("completed_on")[:1]),
            src_in_progress=Exists(in_progress),
        )
        .values_list(
            "pk", *FIELDS, "src_last_on", "src_last_next", "src_plan_started",
            "src_completed_on", "src_in_progress",
        )
    )


def _derived(last_on, last_next, plan_started, completed_on, in_progress, first_review_days):
    if last_on is not None:
        due = last_next
    elif plan_started is not None:
        due = plan_started + dt.timedelta(days=first_review_days)
    else:
        due = None
    if completed_on is not None:
        assessment = AssessmentState.COMPLETED
    elif in_progress:
        assessment = AssessmentState.IN_PROGRESS
    else:
        assessment = AssessmentState.NONE
    return (due, last_on, assessment, completed_on)


def _compare(episodes, timescales=None, models=(Review, Plan, Assessment)):
    """Yield (pk, stored, derived) for each episode whose stored state is not what its source
    rows say."""
    days = (timescales or Timescales.current()).first_review_days
    for row in _source_rows(episodes, models).iterator(chunk_size=BATCH):
        stored = tuple(row[1:5])
        derived = _derived(*row[5:], days)
        if stored != derived:
            yield row[0], stored, derived


def differences(episodes=None, timescales=None) -> list[tuple]:
    """Episodes whose stored state differs from their source rows: [(reference, field, stored,
    derived)]. Empty when all is right."""
    episodes = Episode.objects.all() if episodes is None else episodes
    found = []
    wrong = list(_compare(episodes, timescales))
    miscounted = _count_differences(episodes, complex_need_codes())
    references = dict(
        Episode.objects.filter(
            pk__in={pk for pk, *_ in wrong} | {pk for pk, *_ in miscounted}
        ).values_list("pk", "reference")
    )
    for pk, stored, derived in wrong:
        for name, old, new in zip(FIELDS, stored, derived, strict=True):
            if old != new:
                found.append((references[pk], name, old, new))
    found.extend((references[pk], name, old, new) for pk, name, old, new in miscounted)
    return sorted(found)


def recompute(episodes=None, timescales=None, models=(Review, Plan, Assessment)) -> int:
    """Set the stored state from the source rows; the number of episodes corrected. (The
    data migration passes its historical models and the episodes' queryset.)"""
    return len(_recompute(episodes, timescales, models))


def _recompute(episodes=None, timescales=None, models=(Review, Plan, Assessment)) -> set:
    episodes = Episode.objects.all() if episodes is None else episodes
    model = episodes.model
    changed = [
        model(pk=pk, **dict(zip(FIELDS, derived, strict=True)))
        for pk, _, derived in _compare(episodes, timescales, models)
    ]
    model.objects.bulk_update(changed, FIELDS, batch_size=BATCH)
    return {episode.pk for episode in changed}


def correct() -> int:
    """Set right every episode whose stored state has drifted from its source rows (the check's
    --fix), with an audit row saying how many: the number corrected."""
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction

    codes = complex_need_codes()
    miscounted = {pk for pk, *_ in _count_differences(Episode.objects.all(), codes)}
    if miscounted:
        recount(Episode.objects.filter(pk__in=miscounted), codes)
    corrected = len(_recompute() | miscounted)
    if corrected:
        audit.record(user=None, action=AuditAction.CHANGE, object_type="cases.episode_state",
                     object_id="all", detail=f"Episode state corrected on {corrected} episodes",
                     changes={"corrected": corrected})
    return corrected


def timescales_changed(timescales) -> int:
    """The first review's timescale moved: recompute the episodes whose next review is due
    from their plan's start (no review yet). Called when the timescales row is saved."""
    return recompute(
        Episode.objects.filter(last_review_on__isnull=True, next_review_due__isnull=False),
        timescales,
    )


# The caseload weighting's counts ----------------------------------------------------------------

COUNTS = ("focus_children_count", "complex_needs_count")
_complex_need_codes = list  # none until worklists installs the caseload weights' codes


def use_complex_need_codes(provider) -> None:
    """Where the complex need codes come from: a function returning them (worklists.apps)."""
    global _complex_need_codes
    _complex_need_codes = provider


def complex_need_codes() -> list[str]:
    return list(_complex_need_codes())


def _count(rows, key: str):
    """Per episode (OuterRef pk), the number of `rows` whose `key` is the episode: a subquery."""
    counted = (
        rows.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _focus_children(episode_model=Episode):
    return _count(episode_model.focus_children.through.objects.all(), "episode_id")


def _complex_need_rows(codes, need_model=PresentingNeed):
    """The presenting needs that count: found by a completed assessment, theme one of `codes`."""
    return need_model.objects.filter(
        assessment__status=AssessmentStatus.COMPLETED, theme__code__in=list(codes)
    )


def _complex_needs(codes, need_model=PresentingNeed):
    if not codes:  # (an empty IN compiles to no SQL at all)
        return Value(0, output_field=IntegerField())
    return _count(_complex_need_rows(codes, need_model), "assessment__episode_id")


def count_focus_children(episode: Episode) -> list[str]:
    """The episode's focus children changed (a locked episode): count them again."""
    return _set(episode, focus_children_count=episode.focus_children.count())


def count_complex_needs(episode: Episode) -> list[str]:
    """An assessment of the (locked) episode was completed: count its complex needs again."""
    codes = complex_need_codes()
    found = 0
    if codes:
        found = _complex_need_rows(codes).filter(assessment__episode=episode).count()
    return _set(episode, complex_needs_count=found)


def recount(episodes=None, codes=None, models=(Episode, PresentingNeed)) -> int:
    """Set both counts from the source rows, in one UPDATE: the backfill (with the migration's
    historical models and codes), the demo, the check's fix."""
    episode_model, need_model = models
    episodes = episode_model.objects.all() if episodes is None else episodes
    codes = complex_need_codes() if codes is None else codes
    return episodes.update(
        focus_children_count=_focus_children(episode_model),
        complex_needs_count=_complex_needs(codes, need_model),
    )


def complex_need_codes_changed(codes) -> int:
    """The complex need codes changed: every open episode's complex needs counted again, in
    one UPDATE of the rows that change (only open episodes are weighed; a closed one keeps the
    count it closed with), with an audit row saying how many. The number of episodes changed."""
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction

    counted = _complex_needs(codes)
    changed = (
        Episode.objects.filter(status=EpisodeStatus.OPEN)
        .exclude(complex_needs_count=counted)
        .update(complex_needs_count=counted)
    )
    if changed:
        audit.record(user=None, action=AuditAction.CHANGE, object_type="cases.episode_state",
                     object_id="all",
                     detail=f"Complex needs recounted on {changed} open episodes: the complex "
                            f"need codes are now {', '.join(codes) or 'none'}",
                     changes={"recounted": changed, "complex_need_codes": list(codes)})
    return changed


def _count_differences(episodes, codes) -> list[tuple]:
    """(pk, field, stored, counted) where an open episode's stored count is not what the
    source rows say (closed episodes are not weighed: see complex_need_codes_changed)."""
    rows = episodes.filter(status=EpisodeStatus.OPEN).order_by().annotate(
        src_focus=_focus_children(), src_complex=_complex_needs(codes)
    ).values_list("pk", *COUNTS, "src_focus", "src_complex")
    found = []
    for pk, focus, complex_, src_focus, src_complex in rows.iterator(chunk_size=BATCH):
        for name, old, new in zip(COUNTS, (focus, complex_), (src_focus, src_complex),
                                  strict=True):
            if old != new:
                found.append((pk, name, old, new))
    return found
