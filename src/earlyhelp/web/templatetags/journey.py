"""`{% if plan|allows:"edit" %}`: what the journey table allows in the record's state.

Combine it with `{% can %}` (access: who may act) to decide a button: the table says what is
possible for the record, the policy says whether this user may do it."""

from django import template

from earlyhelp.core.workflow import journey

register = template.Library()


@register.filter
def allows(record, action: str) -> bool:
    """Asks only this move (and its guard): a page never pays for the moves it does not show."""
    machine = journey().machine_for(record) if record is not None else None
    if machine is None:
        return False
    if action not in machine.by_action:  # a typo must not hide a button quietly
        raise ValueError(f"A {machine.entity} has no move {action!r}")
    return machine.allows(action, record)
