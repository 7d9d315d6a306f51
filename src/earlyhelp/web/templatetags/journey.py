"""`{% if plan|allows:"edit" %}`: what the journey table allows in the record's state.

Combine it with `{% can %}` (access: who may act) to decide a button: the table says what is
possible for the record, the policy says whether this user may do it."""

from django import template

from earlyhelp.core.workflow import allowed_actions

register = template.Library()


@register.filter
def allows(record, action: str) -> bool:
    return record is not None and action in allowed_actions(record)
