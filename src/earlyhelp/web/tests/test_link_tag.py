"""{% link %}: {% url %}'s address from a reverse kept per name and fixed arguments."""

import uuid

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse


def _render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def test_the_same_address_as_url_for_each_id_and_fixed_argument():
    first, second = uuid.uuid4(), uuid.uuid4()
    for pk in (first, second, str(first)):
        assert _render("{% link 'web:close' pk %}", pk=pk) == reverse("web:close", args=[pk])
        assert _render("{% link 'letters:choose' 'episode' pk %}", pk=pk) == reverse(
            "letters:choose", args=["episode", pk])
    assert reverse("web:close", args=[first]) != reverse("web:close", args=[second])


def test_a_missing_id_is_refused_as_url_refuses_it():
    with pytest.raises(NoReverseMatch):
        _render("{% link 'web:close' pk %}", pk=None)


def test_a_different_url_configuration_is_not_served_from_the_kept_reverse():
    pk = uuid.uuid4()
    _render("{% link 'web:close' pk %}", pk=pk)  # kept under the project's URLconf
    with override_settings(ROOT_URLCONF="earlyhelp.web.tests.no_urls"), pytest.raises(
        (NoReverseMatch, ModuleNotFoundError)
    ):
        _render("{% link 'web:close' pk %}", pk=pk)
