"""Escaping for HTML written in Python (issue 19: rows, parts of pages and charts drawn in a
view rather than by template tags per cell)."""

import html


def escape_text(value) -> str:
    """Django's `escape` (html.escape of the value's text, the same five characters) without
    its check of every argument for a lazy string – called for every cell of the busiest pages.
    Returns plain text: the caller marks what it builds safe."""
    return html.escape(str(value))
