"""Small helpers every page view uses: rendering, pagination, calling a service from a form."""

from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render

from earlyhelp.core.errors import IllegalMove

PAGE_SIZE = 25


class ServiceRefused(Exception):
    """Raised inside `attempt()` to roll back every write made so far in the request."""


def page(request, template: str, context: dict, *, status: int = 200):
    """Render a page; the <title> says "Error:" when any form on it has errors."""
    context.setdefault(
        "has_errors",
        any(getattr(v, "errors", None) for v in context.values() if hasattr(v, "is_bound")),
    )
    return render(request, template, context, status=status)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def attempt(form, work, *args, **kwargs):
    """Run `work` (service calls) in one transaction. On IllegalMove or ValidationError the
    message goes on the form, everything rolls back and None is returned – nothing half-saved."""
    from django.core.exceptions import ValidationError

    try:
        with transaction.atomic():
            return work(*args, **kwargs)
    except (IllegalMove, ValidationError) as error:
        form.add_service_error(error)
        return None


def audit_list(request, object_type: str) -> None:
    """A list page showing families' records is a search: one audit row with its query."""
    from earlyhelp.core import audit
    from earlyhelp.core.models import AuditAction

    audit.record(
        user=request.user,
        action=AuditAction.SEARCH,
        object_type=object_type,
        detail=request.get_full_path()[:300],
    )
