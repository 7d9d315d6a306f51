"""Named business rules for early help assessments."""

import datetime as dt

from earlyhelp.core.errors import IllegalMove


def completion_date_is_valid(assessment, completed_on: dt.date) -> None:
    """Completion is reported to Ofsted (Annex A): never before the start, never in the future."""
    if completed_on < assessment.started_on:
        raise IllegalMove(
            f"The completion date must be on or after the start date "
            f"({assessment.started_on.day} {assessment.started_on:%B %Y}).",
            code="completed_before_start",
        )
    if completed_on > dt.date.today():
        raise IllegalMove("The completion date must be today or in the past.", code="date_in_future")


def assessment_is_whole(assessment) -> None:
    """A completed assessment names at least one presenting need and records the child's voice."""
    problems = []
    if not assessment.presenting_needs.exists():
        problems.append("add at least one presenting need")
    if not (assessment.voice_of_child or "").strip():
        problems.append("record the voice of the child")
    if problems:
        raise IllegalMove(
            "The assessment cannot be completed yet: " + " and ".join(problems) + ".",
            code="assessment_incomplete",
        )


def one_assessment_in_progress(episode) -> None:
    """An episode has at most one assessment in progress at a time."""
    if episode.assessments.filter(status="in_progress").exists():
        raise IllegalMove(
            "This episode already has an assessment in progress. Complete it before starting "
            "another.",
            code="assessment_in_progress",
        )


def person_in_household(assessment, person) -> None:
    """Needs and strengths are recorded for members of the family being assessed."""
    if not assessment.episode.family.memberships.filter(person=person).exists():
        raise IllegalMove(f"{person.full_name} is not a member of this family.", code="not_a_member")
