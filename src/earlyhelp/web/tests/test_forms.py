import datetime as dt

import pytest
from django import forms
from django.template import Context, Template

from earlyhelp.core import dates
from earlyhelp.web.forms.base import GovukDateField, GovukForm, required


class DateForm(GovukForm):
    when = GovukDateField(
        label="Date of the review",
        when="past",
        error_messages=required("Enter the date of the review"),
    )
    optional = GovukDateField(label="Next review", required=False)


def _errors(data):
    form = DateForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "data,message,parts",
    [
        ({}, "Enter the date of the review", ("day", "month", "year")),
        (
            {"when_day": "4", "when_month": "", "when_year": "2026"},
            "Date of the review must include a month",
            ("month",),
        ),
        (
            {"when_day": "", "when_month": "", "when_year": "2026"},
            "Date of the review must include a day and a month",
            ("day", "month"),
        ),
        (
            {"when_day": "31", "when_month": "2", "when_year": "2026"},
            "Date of the review must be a real date",
            ("day", "month", "year"),
        ),
        (
            {"when_day": "x", "when_month": "2", "when_year": "2026"},
            "Date of the review must be a real date",
            ("day",),
        ),
        (
            {"when_day": "1", "when_month": "2", "when_year": "26"},
            "Year must include 4 numbers",
            ("year",),
        ),
        (
            {"when_day": "1", "when_month": "1", "when_year": str(dates.today().year + 1)},
            "Date of the review must be today or in the past",
            ("day", "month", "year"),
        ),
    ],
)
def test_date_errors_follow_the_design_system(data, message, parts):
    form = _errors(data)
    assert form.errors["when"] == [message]
    assert form.fields["when"].error_parts == parts


def test_date_input_parses_and_optional_may_be_blank():
    form = _errors({"when_day": "4", "when_month": "6", "when_year": "2025"})
    assert form.is_valid()
    assert form.cleaned_data == {"when": dt.date(2025, 6, 4), "optional": None}


def _render(template, **context):
    return Template("{% load govuk %}" + template).render(Context(context))


def test_date_input_markup_highlights_only_the_bad_part():
    form = _errors({"when_day": "4", "when_month": "", "when_year": "2026"})
    html = _render("{% govuk_field form.when %}", form=form)
    assert 'id="id_when_month" name="when_month"' in html
    assert html.count("govuk-input--error") == 1
    assert 'aria-describedby="id_when-error"' in html
    assert "govuk-form-group--error" in html
    summary = _render("{% govuk_error_summary form %}", form=form)
    assert '<a href="#id_when_month">Date of the review must include a month</a>' in summary


class ChoiceForm(GovukForm):
    colour = forms.ChoiceField(
        label="Colour",
        choices=[("r", "Red"), ("g", "Green")],
        widget=forms.RadioSelect,
        help_text="Pick one",
    )
    many = forms.MultipleChoiceField(
        label="Many",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pick = forms.ChoiceField(label="Pick", choices=[("", "Choose"), ("x", "X")])
    text = forms.CharField(label="Text", widget=forms.Textarea)


def test_radios_checkboxes_select_and_textarea_markup():
    form = ChoiceForm({"colour": "g", "many": ["a", "b"], "pick": "x", "text": "<b>hi</b>"})
    html = _render("{% govuk_fields form %}", form=form)
    assert 'class="govuk-radios"' in html and 'id="id_colour-2"' in html
    assert 'value="g" checked' in html
    assert 'aria-describedby="id_colour-hint"' in html
    assert html.count('type="checkbox"') == 2 and html.count("checked") == 3
    assert '<option value="x" selected>X</option>' in html
    assert "&lt;b&gt;hi&lt;/b&gt;</textarea>" in html  # escaped, never injected


def test_service_refusals_land_on_the_form():
    from django.core.exceptions import ValidationError

    from earlyhelp.core.errors import IllegalMove

    form = ChoiceForm({"colour": "r", "pick": "x", "text": "t"})
    assert form.is_valid()
    form.add_service_error(IllegalMove("This episode is already closed."))
    form.add_service_error(ValidationError({"text": "Too short", "other": "Not a field here"}))
    assert form.non_field_errors() == ["This episode is already closed.", "Not a field here"]
    assert form.errors["text"] == ["Too short"]


def test_govuk_date_filter():
    assert _render("{{ d|govuk_date }}", d=dt.date(2026, 6, 4)) == "4 June 2026"
    assert _render("{{ d|govuk_date }}", d="2026-06-04") == "4 June 2026"
    assert _render("{{ d|govuk_date }}", d=None) == ""
