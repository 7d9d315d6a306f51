"""Named business rules for early help episodes."""

import datetime as dt

from earlyhelp.core.dates import check_event_date
from earlyhelp.core.errors import IllegalMove

from .models import ClosureOutcome, Episode, EpisodeStatus


def no_other_open_episode(family, *, except_episode=None) -> None:
    """A family has at most one open early help episode at a time."""
    open_episodes = Episode.objects.filter(family=family, status=EpisodeStatus.OPEN)
    if except_episode is not None:
        open_episodes = open_episodes.exclude(pk=except_episode.pk)
    existing = open_episodes.first()
    if existing is not None:
        refuse_second_open_episode(existing)


def refuse_second_open_episode(existing: Episode) -> None:
    """The refusal when a family's episode `existing` is still open (bulk writers that hold the
    family's episodes in memory ask this directly)."""
    raise IllegalMove(
        f"This family already has an open early help episode ({existing.reference}). "
        "Attach the work to that episode instead.",
        code="episode_already_open",
    )


def needs_met_requires_completed_assessment(episode: Episode, outcome: str) -> None:
    """An episode can only close as 'needs met' once its needs were assessed (a completed EHA)."""
    if outcome != ClosureOutcome.NEEDS_MET:
        return
    if not episode.assessments.filter(status="completed").exists():
        raise IllegalMove(
            "An episode can only close as 'needs met' after an early help assessment has been "
            "completed. Complete the assessment, or choose another closure outcome.",
            code="needs_met_without_assessment",
        )


def date_within_episode(episode: Episode, on: dt.date, what: str, *, field: str) -> None:
    """Nothing can be dated before the episode started, or in the future (core.dates' one rule
    for event dates: a field error, 400 in the API)."""
    check_event_date(on, field=field, what=what, after=episode.start_date,
                     after_what="the date the episode started")


def step_up_has_its_own_move(outcome: str) -> None:
    """Stepping up records a transition to social care: it is a move of its own, not a closure."""
    if outcome == ClosureOutcome.STEPPED_UP:
        raise IllegalMove(
            "To step a family up to children's social care, use 'Step up'; it records the "
            "transition and closes the episode.",
            code="use_step_up",
        )


def step_down_needs_no_open_episode(family, from_episode: Episode | None) -> None:
    """A step-down opens a new episode: the family must not already have one open, and an
    episode it follows must itself be closed."""
    if from_episode is not None and from_episode.is_open:
        raise IllegalMove(
            f"Episode {from_episode.reference} is still open: only a family whose early help "
            "episode has closed (for example after a step-up) can be stepped down into a new one.",
            code="step_down_open_episode",
        )
    no_other_open_episode(family)


def focus_children_belong_to_family(family, children) -> None:
    """Focus children must be members of the family the episode is for."""
    member_ids = set(family.memberships.values_list("person_id", flat=True))
    strangers = [child for child in children if child.pk not in member_ids]
    if strangers:
        names = ", ".join(child.full_name for child in strangers)
        raise IllegalMove(f"{names} is not a member of {family.name}.", code="not_a_member")


def no_assessment_in_progress(episode) -> None:
    """An episode has at most one assessment in progress at a time (a guard of start_assessment)."""
    if episode.assessments.filter(status="in_progress").exists():
        raise IllegalMove(
            "This episode already has an assessment in progress. Complete it before starting "
            "another.",
            code="assessment_in_progress",
        )


def no_active_plan(episode) -> None:
    """An episode has one active plan at a time (a guard of start_plan)."""
    if episode.plans.filter(status="active").exists():
        raise IllegalMove("This episode already has an active plan.", code="plan_exists")
