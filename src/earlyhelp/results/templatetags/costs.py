"""Money on the cost avoidance pages: £1,234.56, a minus sign for a rise in cost."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pounds(value) -> str:
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"
