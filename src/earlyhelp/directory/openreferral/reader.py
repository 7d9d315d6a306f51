"""A field-by-field reader for one imported service record that collects every problem."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from .results import ImportProblem
from .vocabulary import as_uuid


class RecordReader:
    """Field-by-field reader for one service record that collects every problem."""

    def __init__(self, index: int, data, problems: list):
        self.index = index
        self.data = data if isinstance(data, dict) else {}
        self.label = str(self.data.get("id") or self.data.get("name") or "no id")
        self.problems = problems
        if not isinstance(data, dict):
            self.error("", "must be a JSON object")

    def error(self, path: str, message: str) -> None:
        self.problems.append(ImportProblem(self.index, self.label, path or "(record)", message))

    def text(self, obj, key, path, *, required=False, max_length=None, default=""):
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.error(path, "is required")
            return default
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                self.error(path, "must be text")
                return default
        value = value.strip()
        if max_length and len(value) > max_length:
            self.error(path, f"must be {max_length} characters or fewer")
            return default
        return value

    def choice(self, obj, key, path, choices, *, default=""):
        value = self.text(obj, key, path)
        if not value:
            return default
        lookup = {c.lower(): c for c in choices}
        if value.lower() not in lookup:
            self.error(path, f"'{value}' is not one of: {', '.join(sorted(choices))}")
            return default
        return lookup[value.lower()]

    def integer(self, obj, key, path, *, minimum=None, maximum=None):
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(path, "must be a whole number")
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.error(path, "must be a whole number")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be {minimum} or more")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be {maximum} or less")
            return None
        return value

    def decimal(self, obj, key, path, *, minimum=None):
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(path, "must be a number")
            return None
        try:
            number = Decimal(str(value).strip().lstrip("£"))
        except InvalidOperation:
            self.error(path, "must be a number")
            return None
        if not number.is_finite():
            self.error(path, "must be a number")
            return None
        if minimum is not None and number < minimum:
            self.error(path, f"must be {minimum} or more")
            return None
        return number.quantize(Decimal("0.01"))

    def date(self, obj, key, path):
        value = self.text(obj, key, path)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.error(path, f"'{value}' is not a date in the form YYYY-MM-DD")
            return None

    def time(self, obj, key, path):
        value = self.text(obj, key, path)
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?", value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.error(path, f"'{value}' is not a time in the form HH:MM")
            return None
        return dt.time(int(match.group(1)), int(match.group(2)))

    def boolean(self, obj, key, path, *, default):
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return default
        return value

    def url(self, obj, key, path):
        value = self.text(obj, key, path, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(path, f"'{value}' is not a web address starting http:// or https://")
                return ""
        return value

    def email(self, obj, key, path):
        value = self.text(obj, key, path, max_length=254)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                self.error(path, f"'{value}' is not an email address")
                return ""
        return value

    def items(self, obj, key, path) -> list[tuple[int, dict]]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return []
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(f"{path}[{i}]", "must be a JSON object")
            else:
                result.append((i, item))
        return result

    def object(self, obj, key, path, *, required=False) -> dict | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(path, "is required")
            return None
        if not isinstance(value, dict):
            self.error(path, "must be a JSON object")
            return None
        return value

    def ident(self, obj, path, *, required=True):
        value = obj.get("id")
        if value in (None, ""):
            if required:
                self.error(f"{path}.id" if path else "id", "is required")
            return None
        return as_uuid(str(value))
