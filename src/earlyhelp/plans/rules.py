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


# A child under 8 rates on three faces; each lands on the practitioner's 1–10 scale at the
# middle of the band it stands for (docs/user-guide.md writes the mapping down).
FACES = {"sad": 2, "in_between": 5, "happy": 9}
FACE_LABELS = {"sad": "Sad face – things are hard", "in_between": "In-between face – some good, "
               "some hard", "happy": "Happy face – things are good"}
SATISFACTION = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied",
                4: "Satisfied", 5: "Very satisfied"}


def family_view_errors(family: dict, needs, *, at_closure: bool) -> dict:
    """What is wrong with a family's view (field -> message): a rater unless they declined, a
    1–10 score per rated need of this episode, satisfaction 1–5 and only at closure."""
    from earlyhelp.core.codes import Rater

    errors = {}
    if family.get("declined"):
        return errors
    if family.get("rater") not in Rater.values:
        errors["family_rater"] = "Select who in the family gave their view"
    allowed = {need.pk for need in needs}
    for need, score in (family.get("scores") or {}).items():
        if need.pk not in allowed:
            errors[f"family_{need.pk}"] = "Rate only this family's assessed needs"
        elif not isinstance(score, int) or not 1 <= score <= 10:
            errors[f"family_{need.pk}"] = "Rate each need from 1 to 10"
    satisfaction = family.get("satisfaction")
    if satisfaction is not None:
        if not at_closure:
            errors["satisfaction"] = "Satisfaction is asked at closure"
        elif satisfaction not in SATISFACTION:
            errors["satisfaction"] = "Select how satisfied the family are, from 1 to 5"
    return errors
