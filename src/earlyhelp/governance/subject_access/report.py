"""What a subject access file is made of – sections of facts and tables – and how values are
written in it."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class Table:
    headers: list[str]
    rows: list[list]


@dataclass
class Section:
    title: str
    intro: str = ""
    facts: list[tuple[str, object]] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.facts) + sum(len(t.rows) for _, t in self.tables)


@dataclass
class Report:
    person_name: str
    person_id: str
    made_at: dt.datetime
    sections: list[Section]

    @property
    def record_count(self) -> int:
        return sum(s.count for s in self.sections if s.title != AUDIT_TITLE)

    @property
    def audit_count(self) -> int:
        return sum(s.count for s in self.sections if s.title == AUDIT_TITLE)


AUDIT_TITLE = "Who has looked at or changed these records"


def show(value) -> str:
    """A value as the file writes it: dates and times in words (UK time), Yes/No, else text."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def utc(value: dt.datetime) -> str:
    """An exact moment for the audit rows: 2026-11-30 17:16:05 UTC."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
