"""paginate_counted: a page and the count of all rows in one query, with Paginator.get_page's
answers to bad page numbers."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from earlyhelp.web.views.base import paginate, paginate_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    Group.objects.bulk_create(Group(name=f"group {n}") for n in range(7))
    return Group.objects.order_by("name")


def _page(groups, number, paging=paginate_counted):
    query = {} if number is None else {"page": number}
    return paging(RequestFactory().get("/", query), groups, per_page=3)


@pytest.mark.parametrize(
    "number, shown",
    [(None, 1), ("1", 1), ("2", 2), ("3", 3), ("abc", 1), ("", 1), ("0", 3), ("-1", 3),
     ("4", 3), ("999", 3)],
)  # fmt: skip
def test_page_numbers_as_get_page(groups, number, shown):
    page = _page(groups, number)
    expected = _page(groups, number, paging=paginate)
    assert page.number == expected.number == shown
    assert [g.name for g in page] == [g.name for g in expected]
    assert page.paginator.count == 7 and page.paginator.num_pages == 3


def test_a_page_with_rows_is_one_query(groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = _page(groups, "2")
        assert [g.name for g in page] == ["group 3", "group 4", "group 5"]
        assert page.paginator.count == 7 and page.has_next() and page.has_previous()


def test_past_the_end_counts_then_shows_the_last_page(groups, django_assert_num_queries):
    with django_assert_num_queries(3):  # the empty page, the count, the last page
        page = _page(groups, "9")
    assert page.number == 3 and [g.name for g in page] == ["group 6"]


def test_an_empty_list_is_page_one_with_nothing(django_assert_num_queries):
    with django_assert_num_queries(2):  # the empty page, the count
        page = _page(Group.objects.order_by("name"), "5")
    assert page.number == 1 and list(page) == [] and page.paginator.count == 0
