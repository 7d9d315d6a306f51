"""`{% can "close" episode as may_close %}`: show a button only when the policy allows it."""

from django import template

from earlyhelp.access import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, record=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy.can(user, action, record)
