"""Placeholders: every one substituted, missing data marked, unknown ones refused, and nothing
an administrator writes is ever evaluated."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.letters import rules
from earlyhelp.letters.pdf import letter_pdf, paragraphs

EXAMPLES = importlib.import_module("earlyhelp.letters.migrations.0002_example_templates")


def test_every_placeholder_is_substituted():
    body = "\n".join(f"{name}: {{{{ {name} }}}}" for name in rules.PLACEHOLDERS)
    values = {name: f"<value of {name}>" for name in rules.PLACEHOLDERS}
    filled = rules.fill(body, values)
    for name in rules.PLACEHOLDERS:
        assert f"{name}: <value of {name}>" in filled
    assert "{{" not in filled and "[not recorded" not in filled
    assert rules.fill("{{family_name}} and {{   family_name   }}", values) == (
        "<value of family_name> and <value of family_name>")


def test_missing_data_is_a_clear_blank_marker():
    filled = rules.fill("Ended {{ episode_end_date }}: {{ closure_outcome }} ({{ team }})",
                        {"episode_end_date": "", "closure_outcome": "  ", "team": "North"})
    assert filled == ("Ended [not recorded: date the early help ended]: "
                      "[not recorded: closure outcome] (North)")


def test_unknown_placeholder_is_refused_by_name():
    with pytest.raises(ValidationError) as caught:
        rules.check_body("Dear {{ family_name }}, {{ familyname }} {{ child.delete }} {{}}")
    [message] = caught.value.message_dict["body"]
    assert "does not exist: {{ }}, {{ child.delete }}, {{ familyname }}." in message
    assert "{{ family_name }}" not in message


def test_stray_braces_are_refused_and_a_good_body_passes():
    with pytest.raises(ValidationError) as caught:
        rules.check_body("Dear {{ family_name }}, see {{ you soon")
    assert "not part of a placeholder" in caught.value.message_dict["body"][0]
    rules.check_body("Dear {{ family_name }},\n\nSee you on {{ today }}.")


def test_admin_text_is_never_a_django_template():
    body = "{% load static %}{{ family_name }} {% debug %} {{ request }} {# x #}"
    with pytest.raises(ValidationError):
        rules.check_body(body)  # {{ request }} is no placeholder
    filled = rules.fill("{% debug %} {{ family_name }} {# x #}", {"family_name": "the Khans"})
    assert filled == "{% debug %} the Khans {# x #}"  # tags stay as plain text


def test_shipped_examples_use_known_placeholders_and_say_they_are_examples():
    assert {kind for _, kind, _ in EXAMPLES.EXAMPLES} == {"consent", "closure", "feedback"}
    for name, _, body in EXAMPLES.EXAMPLES:
        assert "example to adapt" in name
        rules.check_body(body)


def test_pdf_escapes_text_and_keeps_paragraphs():
    text = "Dear <b>Khan</b> & family,\n\nLine one\nline two\n\n\n"
    assert paragraphs(text) == ["Dear <b>Khan</b> & family,", "Line one\nline two"]
    content = letter_pdf(title="A letter", text=text)
    assert content.startswith(b"%PDF-") and b"A letter" in content
