"""The API's one request body parser: JSON with a nesting cap, and no NUL characters in text.

A deeply nested body made Python's parser recurse until RecursionError (a 500). Honest API
bodies nest a few levels (a request for support: members → person → fields); 32 is far above
that. PostgreSQL refuses NUL in text, so a NUL anywhere in a body is a 400 naming the field.
"""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
NUL_MESSAGE = "Remove the NUL character (\\x00): it is not allowed in text."


def check(data) -> None:
    """Walk the parsed body without recursion: refuse deep nesting and NUL characters."""
    stack = [(data, "", 0)]
    errors = {}
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(f"The JSON body is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    errors[name.replace("\x00", "")] = [NUL_MESSAGE]
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{path}.{index}" if path else str(index), depth + 1))
        elif isinstance(value, str) and "\x00" in value:
            errors[path or "non_field_errors"] = [NUL_MESSAGE]
    if errors:
        raise ValidationError(errors)


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(
                f"The JSON body is nested more than {MAX_DEPTH} levels deep."
            ) from exc
        check(data)
        return data
