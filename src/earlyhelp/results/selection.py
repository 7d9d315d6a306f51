"""How the outcome check reads "these families' rows" when there are many of them.

Above MANY_FAMILIES families an IN list of every family's id would near the database's limit on
parameters (32,766 on SQLite), so the check reads the rows of the families' programmes (a
subquery) instead and leaves out the others. One rule for every reader of the check.
"""

MANY_FAMILIES = 2000


def is_many(count: int) -> bool:
    return count > MANY_FAMILIES


def programme_families(attachments):
    """A subquery of the ids of every family in the attachments' programmes."""
    from .models import ProgrammeFamily

    programmes = {a.framework_id for a in attachments}
    return ProgrammeFamily.objects.filter(framework__in=programmes).values("family_id")
