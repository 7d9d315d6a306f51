"""Escaping for HTML written in Python (issue 19: rows, parts of pages and charts drawn in a
view rather than by template tags per cell)."""

import html

from django.utils.safestring import SafeString


def escape_text(value) -> str:
    """Django's `escape` (html.escape of the value's text, the same five characters) without
    its check of every argument for a lazy string – called for every cell of the busiest pages.
    Returns plain text: the caller marks what it builds safe."""
    return html.escape(str(value))


def safe(text: str) -> SafeString:
    """mark_safe of markup built here (a str): the SafeString itself, without mark_safe's
    checks of its argument for a lazy string or a function – every tag of the busiest pages
    returns one."""
    return SafeString(text)


def conditional(value) -> str:
    """Django's conditional_escape without its check for a lazy string: what is marked safe (it
    has __html__) as it is, anything else escaped."""
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html.escape(str(value))


def text_lines(value) -> str:
    """Django's `linebreaksbr` filter (autoescaping) of plain text: escaped, each line break
    (\\r\\n, \\r or \\n) a <br>."""
    return (html.escape(str(value)).replace("\r\n", "\n").replace("\r", "\n")
            .replace("\n", "<br>"))
