"""govuk_tag writes the tag's markup without rendering includes/govuk/tag.html (issue 19: it is
drawn in rows of the busiest pages); the template stays for pages that include the component.
The two must not drift apart."""

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from earlyhelp.web.templatetags.govuk import govuk_tag


@pytest.mark.parametrize(
    ("text", "colour"),
    [
        ("Overdue", "red"),
        ("Not started", ""),
        ('<script>"x" & y</script>', "green"),
        (mark_safe("<b>Safe</b>"), "light-blue"),
        (3, "red"),
        ("Colour escaped", '"><x'),
    ],
)
def test_the_tag_is_the_templates_markup_byte_for_byte(text, colour):
    assert govuk_tag(text, colour) == render_to_string(
        "includes/govuk/tag.html", {"text": text, "colour": colour}
    )
