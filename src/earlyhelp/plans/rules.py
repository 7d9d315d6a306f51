"""Named business rules for plans and reviews."""

import datetime as dt

from django.db.models import Min

from earlyhelp.core.dates import check_event_date
from earlyhelp.core.errors import IllegalMove


def plan_follows_assessment(episode, started_on: dt.date) -> None:
    """A plan is built from the assessment's needs: an assessment must be completed first (a
    409 while none is), and the plan cannot start before the day the first one was completed (a
    date error, 400, like every event date that precedes what it follows)."""
    completed = episode.assessments.filter(status="completed").aggregate(
        first=Min("completed_on")
    )["first"]
    if completed is None:
        raise IllegalMove(
            "Complete the early help assessment before making the plan: the plan's outcomes "
            "come from the needs it found.",
            code="plan_before_assessment",
        )
    check_event_date(started_on, field="started_on", what="plan start", after=completed,
                     after_what="the date the assessment was completed")




def scores_are_for_this_episode(episode, needs) -> None:
    """Progress is scored against the presenting needs assessed for this episode."""
    ids = {need.assessment.episode_id for need in needs}
    if ids - {episode.pk}:
        raise IllegalMove("Progress can only be scored for this episode's assessed needs.")


def next_review_after_meeting(held_on, next_review_due) -> None:
    """The next review is set after this one."""
    if next_review_due is not None and next_review_due <= held_on:
        raise IllegalMove(
            "The next review must be due after the date of this review.", code="next_review_date"
        )
