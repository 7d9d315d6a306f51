"""Every list in the API refuses a filter value it cannot read: a 400 naming the field, in the
uniform error shape – never silently ignored, never a 500 (issue 11, item 1).

The lists are found by walking the URLconf, so a new list cannot slip through: it either
declares a django-filter FilterSet (`filterset_class`, applied by the filter backend and
documented in the schema from the same declaration), or is named in HAND_CHECKED below with
the bad value for each parameter it reads itself.
"""

import django_filters as filters
import pytest
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from earlyhelp.core.filtering import YesNoFilter

PAGING = {"page", "page_size"}

# Lists that read their query parameters themselves, with a bad value for each.
HAND_CHECKED = {
    # Whose caseload: policy-checked against the manager's team (access/tests/test_caseload_filter).
    "/api/caseload/": {"lead_practitioner": "not-a-uuid"},
    # Ranked suggestions for one episode: not a queryset to filter.
    "/api/directory/suggestions/": {"episode": "not-a-uuid"},
    # Lists that take no filters at all.
    "/api/threshold-models/": {},
    "/api/need-themes/": {},
    "/api/panels/": {},
    "/api/panels/unmet-need/": {},
    "/api/families/{family_id}/access-log/": {},
    "/api/results/claims/": {},
    # A family's documents: the list reads no query parameters (the family is in the path).
    "/api/families/{family_id}/documents/": {},
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _path(regex: str) -> str:
    """'api/^families/(?P<family_id>[^/.]+)/access-log/$' -> '/api/families/{family_id}/access-log/'"""
    import re

    path = regex.replace("^", "").replace("$", "")
    return "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)


def list_views() -> dict:
    found = {}
    for regex, callback in _walk(get_resolver().url_patterns):
        actions = getattr(callback, "actions", None) or {}
        if actions.get("get") == "list" and "format" not in regex:
            found[_path(regex)] = callback.cls
    return found


def bad_value(filter_) -> str | None:
    """A value this filter cannot read, or None for free text (any text is a search)."""
    if isinstance(filter_, YesNoFilter):
        return "maybe"
    if isinstance(filter_, filters.BooleanFilter):
        return None  # a plain BooleanFilter reads anything else as "no filter": not allowed below
    if isinstance(filter_, (filters.ChoiceFilter, filters.MultipleChoiceFilter)):
        return "not-a-choice"
    if isinstance(filter_, (filters.UUIDFilter, filters.ModelChoiceFilter)):
        return "not-a-uuid-or-code"
    if isinstance(filter_, (filters.DateFilter, filters.DateFromToRangeFilter)):
        return "2026-02-31"
    if isinstance(filter_, filters.NumberFilter):
        return "seven"
    if type(filter_) is filters.CharFilter:
        return None
    raise AssertionError(f"no bad value known for {type(filter_).__name__}: add one here")


def declared_parameters(path, cls) -> dict:
    """{parameter: bad value or None} for one list."""
    filterset = getattr(cls, "filterset_class", None)
    if filterset is None:
        assert path in HAND_CHECKED, (
            f"{path} ({cls.__name__}) is a list without a FilterSet: declare filterset_class, "
            "or name it in HAND_CHECKED with a bad value for each parameter it reads"
        )
        return dict(HAND_CHECKED[path])
    assert path not in HAND_CHECKED, f"{path} has a FilterSet now: take it out of HAND_CHECKED"
    return {name: bad_value(f) for name, f in filterset.base_filters.items()}


LISTS = list_views()
CASES = [
    pytest.param(path, name, value, id=f"{path}?{name}")
    for path, cls in sorted(LISTS.items())
    for name, value in declared_parameters(path, cls).items()
    if value is not None
]


def test_the_walk_finds_the_lists_the_issue_names():
    for path in ("/api/assessments/", "/api/plans/", "/api/reviews/", "/api/panels/cases/",
                 "/api/directory/referrals/", "/api/people/", "/api/directory/services/",
                 "/api/episodes/", "/api/contacts/", "/api/families/"):
        assert getattr(LISTS[path], "filterset_class", None) is not None, path
    assert set(HAND_CHECKED) <= set(LISTS), set(HAND_CHECKED) - set(LISTS)


def test_no_list_reads_a_yes_no_filter_leniently():
    for path, cls in LISTS.items():
        filterset = getattr(cls, "filterset_class", None)
        for name, filter_ in (filterset.base_filters.items() if filterset else ()):
            if isinstance(filter_, filters.BooleanFilter):
                assert isinstance(filter_, YesNoFilter), f"{path}?{name}: use YesNoFilter"


def test_the_schema_documents_exactly_the_parameters_each_list_reads(django_db_blocker):
    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, cls in LISTS.items():
        operation = schema["paths"][path]["get"]
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert documented - PAGING == set(declared_parameters(path, cls)), path


@pytest.mark.parametrize("path, name, value", CASES)
def test_a_bad_filter_value_is_a_400_naming_the_field(world, path, name, value):
    client = APIClient()
    client.force_authenticate(world.manager)
    response = client.get(path.format(family_id=world.family.pk), {name: value})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["status"] == 400 and body["code"] and body["detail"]
    assert list(body["errors"]) == [name] and body["errors"][name][0]


@pytest.mark.parametrize("query, field", [
    ("page=", "page"), ("page=abc", "page"), ("page=0", "page"), ("page_size=false", "page_size"),
    ("page_size=-1", "page_size"), ("page_size=null&page_size=null", "page_size"),
])
def test_a_page_or_page_size_that_is_not_a_whole_number_is_a_400(world, query, field):
    client = APIClient()
    client.force_authenticate(world.manager)
    response = client.get(f"/api/episodes/?{query}")
    assert response.status_code == 400, response.content[:200]
    assert list(response.json()["errors"]) == [field]
    assert client.get("/api/episodes/?page=1&page_size=100").status_code == 200
