"""govuk_pagination encodes the request's query once for all its links (around the page
number): each link must be what setting `page` in a copy of the query and encoding it gives."""

import re

import pytest
from django.core.paginator import Paginator
from django.test import RequestFactory
from django.utils.html import conditional_escape

from earlyhelp.web.templatetags.govuk import govuk_pagination

QUERIES = [
    "",
    "page=3",
    "name=a%20b&page=2&postcode=E1",
    "page=2&page=5&z=1",
    "q=%3Cb%3E%26%22&name=%C3%A9+x&x=1&x=2",
    "a%26b=c&page=x&y=%3C%3E",
    "only=1",
]


def _expected_href(request, number):
    query = request.GET.copy()
    query["page"] = number
    return conditional_escape(f"?{query.urlencode()}")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("number", [1, 2, 5, 10])
def test_links_as_the_query_with_the_page_set(query, number):
    request = RequestFactory().get(f"/list/?{query}")
    page = Paginator(range(200), 20).get_page(number)
    html = govuk_pagination({"request": request}, page, "Pages")
    shown = re.findall(r'href="([^"]*)"[^>]*aria-label="Page (\d+)"', html)
    assert shown and all(href == _expected_href(request, int(n)) for href, n in shown)
    for rel, to in (("prev", number - 1), ("next", number + 1)):
        link = re.search(rf'href="([^"]*)" rel="{rel}"', html)
        assert (link is not None) == (1 <= to <= 10)
        if link:
            assert link.group(1) == _expected_href(request, to)


def test_one_page_draws_nothing():
    request = RequestFactory().get("/list/?page=1")
    assert govuk_pagination({"request": request}, Paginator(range(5), 20).get_page(1)) == ""
