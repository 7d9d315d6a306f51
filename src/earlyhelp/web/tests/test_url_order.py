"""The URL patterns are tried in order, the busiest pages first (earlyhelp/urls.py): that order
must change only the time taken, never which page answers. Every named page of the service is
reversed with sample values and resolved back to itself – a pattern shadowed by an earlier one
(which a reordering could bring about) fails here."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

_SAMPLES = {UUIDConverter: uuid.UUID(int=7), IntConverter: 7, SlugConverter: "a-slug",
            PathConverter: "a/b"}


def _named_routes(patterns, namespace="", converters=None):
    """(full name, sample kwargs) of every named path() below `patterns` (re_path()s, which
    name their groups by pattern, are left out: the admin's and the API router's)."""
    for entry in patterns:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern) and entry.name and hasattr(entry.pattern, "_route"):
            kwargs = {name: _SAMPLES.get(type(converter), "x") for name, converter in
                      found.items()}  # fmt: skip
            yield f"{namespace}{entry.name}", kwargs


def test_every_named_page_resolves_to_itself():
    routes = list(_named_routes(get_resolver().url_patterns))
    assert len(routes) > 150  # the walk found the service's pages
    shadowed = []
    for name, kwargs in routes:
        if name.startswith("admin:"):
            continue
        url = reverse(name, kwargs=kwargs)
        match = resolve(url)
        if match.view_name != name:
            shadowed.append(f"{url}: {name} answered by {match.view_name}")
    assert shadowed == []


def test_the_casework_pages_are_matched_before_the_other_apps():
    """The order this test file guards, and the reason for it: the episode page and the family
    record are found after a handful of patterns, not forty."""
    some = uuid.UUID(int=7)
    for url in (f"/episodes/{some}/", f"/families/{some}/", "/caseload/", "/"):
        assert len(resolve(url).tried or []) <= 15, url
