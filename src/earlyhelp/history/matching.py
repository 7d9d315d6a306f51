"""How likely an incoming SSD person is someone already in earlyhelp: the linkage model's
comparisons (names, date of birth, sex, postcode, identifiers) scored with the m and u
probabilities of targeting's shipped model, for one pair at a time in Python – no Splink run
per import (docs/decisions/history-matching.md).

A score at or above UPPER links; from LOWER up to UPPER goes to review; below LOWER is a new
person. The bands are targeting's defaults (match threshold, review floor)."""

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jellyfish

UPPER = 0.95
LOWER = 0.5
LINK, REVIEW, NEW = "link", "review", "new"


def band(score: float, comparisons: list["Comparison"] = ()) -> str:
    """LINK, REVIEW or NEW for a pair's score. A link also needs first names that agree and no
    identifier that differs: twins share a surname, a date of birth and an address, and the
    model alone would score them as one child (docs/decisions/history-matching.md)."""
    if score >= UPPER:
        vetoed = any(c.name == "First name" and not c.agrees or
                     c.name in ("NHS number", "Unique pupil number") and c.weight < 0
                     for c in comparisons)
        return REVIEW if vetoed else LINK
    if score >= LOWER:
        return REVIEW
    return NEW


@dataclass(frozen=True)
class Side:
    """One side of a pair: what the comparisons read."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str = ""
    postcode: str = ""
    address: str = ""
    nhs_number: str = ""
    upn: str = ""


@dataclass(frozen=True)
class Comparison:
    name: str  # "First name"
    level: str  # the model's label, "Similar spelling (Jaro-Winkler at least 0.8)"
    weight: float  # log2(m/u): above 0 agrees, below 0 disagrees

    @property
    def agrees(self) -> bool:
        return self.weight > 0

    def as_dict(self) -> dict:
        return {"name": self.name, "level": self.level, "weight": round(self.weight, 2)}


@cache
def _model() -> tuple[float, dict[tuple[str, str], float]]:
    """(prior weight, {(comparison, level label): weight}) from the shipped model's file."""
    path = resources.files("earlyhelp.targeting").joinpath("data/default_model.json")
    model = json.loads(path.read_text())
    prior = model["probability_two_random_records_match"]
    weights = {}
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u:  # a level without both (the null levels, a fixed one) is neutral
                weights[(comparison["output_column_name"], level["label_for_charts"])] = (
                    math.log2(m / u))
    return math.log2(prior / (1 - prior)), weights


NAMES = {"first_name": "First name", "surname": "Surname", "dob": "Date of birth",
         "sex": "Sex", "location": "Postcode and address", "nhs_number": "NHS number",
         "upn": "Unique pupil number"}


def _clean(name: str) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


def _name_level(a: str, b: str, same: str, different: str, initials: bool = False) -> str | None:
    """The comparison level two cleaned names reach (None when either is missing), from
    exact down to different; `initials` lets an initial agree with a name that starts with it."""
    if not a or not b:
        return None
    if a == b:
        return same
    similarity = jellyfish.jaro_winkler_similarity(a, b)
    if similarity >= 0.92:
        return "Very similar spelling (Jaro-Winkler at least 0.92)"
    if jellyfish.metaphone(a) == jellyfish.metaphone(b):
        return "Sounds the same (metaphone)"
    if similarity >= 0.8:
        return "Similar spelling (Jaro-Winkler at least 0.8)"
    if initials and (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return "One side is an initial, and the initials agree"
    return different


def _first_name(a: str, b: str) -> str | None:
    return _name_level(a, b, "Same first name", "Different first names", initials=True)


def _surname(a: str, b: str) -> str | None:
    return _name_level(a, b, "Same surname", "Different surnames")


def _dob(a: dt.date | None, b: dt.date | None) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "Same date of birth"
    if a.day <= 12 and b == dt.date(a.year, a.day, a.month):
        return "Day and month swapped"
    x, y = a.isoformat(), b.isoformat()
    if (x[:4] == y[:4] or x[5:] == y[5:]) and jellyfish.damerau_levenshtein_distance(x, y) <= 1:
        return "One digit different or two digits transposed"
    if abs(a.year - b.year) <= 1:
        return "Born within a year of each other"
    return "Different dates of birth"


def _postcode(value: str) -> str:
    return re.sub(r"\s", "", (value or "").upper())


def _location(a: Side, b: Side) -> str | None:
    pa, pb = _postcode(a.postcode), _postcode(b.postcode)
    la, lb = _clean(a.address), _clean(b.address)
    if (not pa or not pb) and (not la or not lb):
        return None
    if pa and pa == pb:
        return "Same postcode and address" if la and la == lb else "Same postcode"
    if la and la == lb:
        return "Same address, different postcode"
    if pa and pb:
        # outward code + first inward digit (sector), outward code (district)
        if pa[:-2] == pb[:-2]:
            return "Same postcode sector"
        if pa[:-3] == pb[:-3]:
            return "Same postcode district"
    return "Different places"


def _same(a: str, b: str, what: str) -> str | None:
    if not a or not b:
        return None
    return f"Same {what}" if a == b else f"Different {what}"


def compare(incoming: Side, candidate: Side) -> tuple[float, list[Comparison]]:
    """The probability the two are one person, and each comparison that had both sides."""
    prior, weights = _model()
    levels = {
        "first_name": _first_name(_clean(incoming.given_name), _clean(candidate.given_name)),
        "surname": _surname(_clean(incoming.family_name), _clean(candidate.family_name)),
        "dob": _dob(incoming.date_of_birth, candidate.date_of_birth),
        "sex": _same(incoming.sex, candidate.sex, "sex") if "U" not in (
            incoming.sex, candidate.sex) else None,
        "location": _location(incoming, candidate),
        "nhs_number": _same(incoming.nhs_number, candidate.nhs_number, "NHS number"),
        "upn": _same(incoming.upn, candidate.upn, "unique pupil number"),
    }
    comparisons = [Comparison(NAMES[key], level, weights.get((key, level), 0.0))
                   for key, level in levels.items() if level]
    total = prior + sum(c.weight for c in comparisons)
    return 1 / (1 + 2 ** -total), comparisons
