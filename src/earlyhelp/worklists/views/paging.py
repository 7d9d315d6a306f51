"""A list page's rows and the count of all its rows in one query (COUNT(*) OVER ()): the
worklists are scoped lists, and running the scope twice – once to count, once for the page –
was half the time of a team queue on the full-size borough (issue 19)."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

from earlyhelp.web.views.base import PAGE_SIZE


def _rows(queryset, number: int, per_page: int) -> list:
    start = (number - 1) * per_page
    return list(queryset.annotate(of_all_rows=Window(Count("pk")))[start : start + per_page])


def paginate_counted(request, queryset, per_page: int = PAGE_SIZE) -> Page:
    """As web.views.base.paginate (Paginator.get_page: a page number that is not a number is
    page 1, one out of range the last page), in one query for any page that has rows."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(request.GET.get("page") or 1)
    except (TypeError, ValueError):
        number = 1
    rows = _rows(queryset, number, per_page) if number >= 1 else []
    if rows:
        paginator.count = rows[0].of_all_rows  # a cached_property: set, it is never queried
        return Page(rows, number, paginator)
    # Out of range or an empty list: count (a second query), then the last page.
    number = paginator.num_pages
    return Page(_rows(queryset, number, per_page) if paginator.count else [], number, paginator)
