"""Small helpers every page view uses: rendering, pagination, links, calling a service from a
form."""

import functools
import uuid

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Window
from django.http import HttpResponse
from django.template import TemplateDoesNotExist, loader
from django.template.backends.django import reraise
from django.template.context import make_context
from django.urls import get_script_prefix, get_urlconf, reverse

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
    found = loader.get_template(template)  # the one engine, Django's (settings.TEMPLATES)
    # As render() does, but the context let go of once the page is written: a RequestContext
    # and the dicts it holds refer to each other, so the page's whole context (the records and
    # lists a casework page shows, a few hundred objects) was left for the garbage collector
    # to find (issue 19).
    rendered_with = make_context(context, request, autoescape=found.backend.engine.autoescape)
    try:
        content = found.template.render(rendered_with)
    except TemplateDoesNotExist as exc:
        reraise(exc, found.backend)
    finally:
        rendered_with.dicts.clear()
    return HttpResponse(content, status=status)


_PLACEHOLDER = str(uuid.UUID(int=0))  # no uuid4 is ever this


def url_maker(name: str, *args):
    """pk -> the URL of `name` for it (after any fixed `args`), from one reverse: a table of a
    few hundred rows otherwise spends more time resolving URLs than the database spends
    finding the rows (issue 19). The reverse itself is kept per name, fixed args, URLconf and
    script prefix: the busiest pages make the same few links on every request."""
    link = _link(name, args, *links_made_for())
    return lambda pk: link.replace(_PLACEHOLDER, str(pk))


def fixed_link(name: str) -> str:
    """The URL of `name`, a page that takes no record's id, kept as url_maker's links are (the
    family record's step-down link: a reverse per page was a tenth of its template)."""
    return _link(name, (), *links_made_for(), with_id=False)


def links_made_for() -> tuple[str, str]:
    """The URLconf and script prefix this request's links are made for: the key of every link
    kept between requests (here and the menu's, web.context_processors)."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


@functools.lru_cache(maxsize=1024)
def _link(name: str, args: tuple, urlconf, script_prefix: str, with_id: bool = True) -> str:
    return reverse(name, args=[*args, _PLACEHOLDER] if with_id else list(args), urlconf=urlconf)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def _counted_rows(queryset, start: int, stop: int) -> tuple[list, int | None]:
    rows = list(queryset.annotate(of_all_rows=Window(Count("pk")))[start:stop])
    return rows, (rows[0].of_all_rows if rows else None)


def paginate_counted(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """As paginate (Paginator.get_page: a page number that is not a number is page 1, one out
    of range the last page), in one query for any page that has rows: the rows carry the count
    of all rows (COUNT(*) OVER ()). For scoped lists, where counting apart runs the scope twice
    (half the time of a team queue on the full-size borough, issue 19)."""
    return counted_page(request, lambda start, stop: _counted_rows(queryset, start, stop),
                        per_page)  # fmt: skip


def counted_page(request, read, per_page: int = PAGE_SIZE) -> Page:
    """paginate_counted for a list read some other way (e.g. SQL compiled once, core.prepared):
    `read(start, stop)` -> (rows start..stop, the count of all rows; None when it read none)."""
    paginator = Paginator((), per_page)
    try:
        number = int(request.GET.get("page") or 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows, count = read(start, start + per_page) if number >= 1 else ([], None)
    if rows:
        paginator.count = count  # a cached_property: set, it is never counted
        return Page(rows, number, paginator)
    # Out of range or an empty list: count (a second query), then the last page.
    paginator.count = read(0, 1)[1] or 0
    number = paginator.num_pages
    start = (number - 1) * per_page
    rows = read(start, start + per_page)[0] if paginator.count else []
    return Page(rows, number, paginator)


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
