"""Template filters for the insights pages."""

import datetime as dt

from django import template
from django.utils import timezone

from earlyhelp.core.dates import long_date

register = template.Library()


@register.filter
def cell(value):
    """A table cell: dates as '4 June 2026' (with the time for a moment), blanks as nothing."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{long_date(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return long_date(value)
    return value
