"""Named business rules for plans and reviews."""

from earlyhelp.core.errors import IllegalMove


def plan_follows_assessment(episode) -> None:
    """A plan is built from the assessment's needs: an assessment must be completed first."""
    if not episode.assessments.filter(status="completed").exists():
        raise IllegalMove(
            "Complete the early help assessment before making the plan: the plan's outcomes "
            "come from the needs it found.",
            code="plan_before_assessment",
        )


def one_active_plan(episode) -> None:
    """An episode has one active plan at a time."""
    if episode.plans.filter(status="active").exists():
        raise IllegalMove("This episode already has an active plan.", code="plan_exists")


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
