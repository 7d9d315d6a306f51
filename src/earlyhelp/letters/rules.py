"""Letter templates' placeholders: a fixed list, substituted by our own code. An administrator's
text is never rendered as a Django template (no template injection): `{{ name }}` is looked up
in PLACEHOLDERS and nothing else is ever evaluated."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# `{{ family_name }}`: two braces, a name, two braces; spaces inside are allowed.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
BLANK = "[not recorded: {label}]"


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: str  # what it stands for, in the guide on the edit page and in the blank marker
    example: str

    @property
    def token(self) -> str:
        return "{{ " + self.name + " }}"


PLACEHOLDERS = {
    p.name: p
    for p in (
        Placeholder("family_name", "family name", "the Khan household"),
        Placeholder("person_name", "person's name", "Amira Khan"),
        Placeholder("address", "address", "12 Station Road, Anytown, AB1 2CD"),
        Placeholder("episode_reference", "episode reference", "EH000123"),
        Placeholder("episode_start_date", "date the early help began", "4 June 2026"),
        Placeholder("episode_end_date", "date the early help ended", "1 December 2026"),
        Placeholder("closure_outcome", "closure outcome", "Needs met – outcomes achieved"),
        Placeholder("lead_practitioner", "lead practitioner", "Sam Jones"),
        Placeholder("team", "team", "North Early Help Team"),
        Placeholder("today", "today's date", "1 December 2026"),
        Placeholder("referrer_name", "referrer's name", "Jo Smith"),
        Placeholder("referrer_organisation", "referrer's organisation", "Hillside Primary"),
        Placeholder("request_reference", "request reference", "C000456"),
        Placeholder("request_date", "date the request was received", "2 May 2026"),
        Placeholder("front_door_decision", "front door decision", "Early help"),
        Placeholder("sender_name", "name of the person creating the letter", "Sam Jones"),
    )
}


def placeholders_in(body: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(body)]


def check_body(body: str) -> None:
    """A ValidationError on `body` naming every unknown placeholder, or a stray `{{`/`}}`."""
    unknown = sorted({name for name in placeholders_in(body) if name not in PLACEHOLDERS})
    errors = []
    if unknown:
        names = ", ".join("{{ " + name + " }}" if name else "{{ }}" for name in unknown)
        errors.append(f"The letter uses a placeholder that does not exist: {names}. "
                      "Use one from the list of placeholders")
    rest = PLACEHOLDER.sub("", body)
    if "{{" in rest or "}}" in rest:
        errors.append("The letter has '{{' or '}}' that is not part of a placeholder: "
                      "write placeholders as {{ family_name }}")
    if errors:
        raise ValidationError({"body": errors})


def fill(body: str, values: dict[str, str]) -> str:
    """The letter's text: each known placeholder replaced by its value, or by a blank marker
    ("[not recorded: closure outcome]") when the record does not hold it. Unknown names were
    refused when the template was saved; should one arrive anyway it is left visible."""

    def value(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        text = values.get(name) or ""
        return text if text.strip() else BLANK.format(label=PLACEHOLDERS[name].label)

    return PLACEHOLDER.sub(value, body)
