"""The escaping helpers for HTML written in Python give what Django's own give: the same text,
escaped the same way, for plain text, numbers, lazy translations and markup marked safe."""

from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from earlyhelp.web.escaping import conditional, escape_text, safe, text_lines

VALUES = ["plain", "<Tom & \"Jerry\"> 'quoted'", "one\r\ntwo\rthree\nfour", "", 7, None,
          gettext_lazy("Closed <now>"), mark_safe("<b>kept</b>")]


def test_each_helper_gives_what_django_gives():
    for value in VALUES:
        assert escape_text(value) == escape(value)
        assert conditional(value) == conditional_escape(value)
        if not isinstance(value, SafeString):
            assert text_lines(value) == linebreaksbr(value, autoescape=True)
    assert text_lines("a\r\nb\rc\nd") == "a<br>b<br>c<br>d"


def test_safe_marks_markup_safe():
    marked = safe("<p>x</p>")
    assert isinstance(marked, SafeString) and marked == mark_safe("<p>x</p>")
    assert conditional(marked) == "<p>x</p>"
