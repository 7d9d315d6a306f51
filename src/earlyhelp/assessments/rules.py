"""Named business rules for early help assessments."""

import datetime as dt

from earlyhelp.core.dates import check_event_date
from earlyhelp.core.errors import IllegalMove


def completion_date_is_valid(assessment, completed_on: dt.date) -> None:
    """Completion is reported to Ofsted (Annex A): never before the start, never in the future."""
    check_event_date(completed_on, field="completed_on", what="completion",
                     after=assessment.started_on, after_what="the date the assessment started")


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




def person_in_household(assessment, person) -> None:
    """Needs and strengths are recorded for members of the family being assessed."""
    if not assessment.episode.family.memberships.filter(person=person).exists():
        raise IllegalMove(f"{person.full_name} is not a member of this family.", code="not_a_member")


def household_children(family, on: dt.date) -> list:
    """The children of the household on a day: the people an assessment covers by default."""
    from django.db.models import Q

    from earlyhelp.people.models import Person

    return list(
        Person.objects.filter(
            memberships__family=family, memberships__role="child",
            memberships__start_date__lte=on,
        ).filter(Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=on))
        .distinct().order_by("date_of_birth", "pk")
    )


def children_are_in_household(family, children, on: dt.date) -> None:
    """An assessment covers children of the family's household; with children there, at least one."""
    from django.core.exceptions import ValidationError

    present = {c.pk for c in household_children(family, on)}
    strangers = [c.full_name for c in children if c.pk not in present]
    if strangers:
        raise ValidationError({"children": f"{', '.join(strangers)} is not a child of this "
                               f"household on the assessment's start date"})
    if present and not children:
        raise ValidationError({"children": "Choose at least one child the assessment covers"})
