"""Ofsted ILACS Annex A: List 1 (contacts) and List 2 (early help), exactly as specified.

Column headers, their order and the code labels follow the Annex A specification as published
with Social Finance's `liia-tools-pipeline` (`annex_a_pipeline/spec/Annex_A_schema.yml`; the 2026
diff renames Gender to Sex in every list). Dates are written as real dates shown dd/mm/yyyy.

Scope (docs/insights.md explains the choices):
- List 1: every contact received in the six months before the inspection date (inclusive), one
  row per child the contact is about.
- List 2: every early help assessment started in those six months, plus the latest assessment of
  each current intervention – an episode open on the inspection date and held by a council team –
  one row per child the assessment covers (docs/decisions/insights-annex-a.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Episode
from earlyhelp.core.dates import age_in_years, months_before
from earlyhelp.frontdoor.models import ContactPerson

from . import xlsxwrite

LAYOUT_2026 = "2026"
LAYOUT_PRE_2026 = "pre2026"
LAYOUTS = {
    LAYOUT_2026: "2026 specification (Sex)",
    LAYOUT_PRE_2026: "Before 2026 (Gender)",
}

# Annex A labels for sex (the CIN census code is what we store).
SEX_LABELS = {
    "M": "a) Male",
    "F": "b) Female",
    "U": "c) Not stated/recorded",
    "N": "d) Neither",
}

# Annex A's ethnicity list: the CIN census codes lettered in the specification's own order.
ETHNICITY_ORDER = [
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
]
ETHNICITY_LABELS = {
    code: f"{chr(ord('a') + index)}) {code}" for index, code in enumerate(ETHNICITY_ORDER)
}

# Annex A's contact source list: the CIN census referral sources, lettered. It has no line for
# 5D (added to the CIN census later): early help is an internal LA service, so 5D → 5B.
CONTACT_SOURCE_LABELS = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "o) 5B: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}

COMMON_COLUMNS = ["Child Unique ID", "{sex}", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIST_1_COLUMNS = [*COMMON_COLUMNS, "Date of Contact", "Contact Source"]
LIST_2_COLUMNS = [
    *COMMON_COLUMNS,
    "Assessment start date",
    "Assessment completion date",
    "Organisation completing assessment",
]
DATE_FORMAT = "DD/MM/YYYY"
WINDOW_MONTHS = 6


def columns(list_columns: list[str], layout: str) -> list[str]:
    sex = "Gender" if layout == LAYOUT_PRE_2026 else "Sex"
    return [c.replace("{sex}", sex) for c in list_columns]


def child_unique_id(person_id, local_id: str = "") -> str:
    """The council's own ID when recorded; otherwise a stable ID derived from the person's record
    (it never changes and reveals nothing)."""
    if local_id:
        return local_id
    return "EH" + str(person_id).replace("-", "")[:12].upper()


def window(inspection_date: dt.date) -> tuple[dt.date, dt.date]:
    return months_before(inspection_date, WINDOW_MONTHS), inspection_date


@dataclass
class Child:
    id: str
    sex: str
    ethnicity: str
    date_of_birth: dt.date | None

    def common(self, on: dt.date) -> list:
        age = age_in_years(self.date_of_birth, on) if self.date_of_birth else None
        return [
            self.id,
            SEX_LABELS.get(self.sex, SEX_LABELS["U"]),
            ETHNICITY_LABELS.get(self.ethnicity, ETHNICITY_LABELS["NOBT"]),
            self.date_of_birth,
            age,
        ]


CHUNK = 5000  # ids per query: well inside SQLite's and PostgreSQL's parameter limits
PERSON = ("person_id", "person__local_id", "person__sex", "person__ethnicity",
          "person__date_of_birth")


def _child(people: dict, on: dt.date, person_id, local_id, sex, ethnicity, born) -> tuple:
    """The child of a row read with its person's PERSON fields (joined in the same query: no
    second round of lookups by id) and its common columns on the inspection date – each worked
    out once per person, however many rows they have."""
    known = people.get(person_id)
    if known is None:
        child = Child(child_unique_id(person_id, local_id), sex, ethnicity, born)
        known = people[person_id] = (child, child.common(on))
    return known


CURRENT_INTERVENTION = (
    "An early help episode open on the inspection date – started on or before it and not closed "
    "before or on it (an episode closed that day is no longer open) – held by a council team, "
    "so coordinated by the local authority. Annex A List 2 lists its latest assessment started "
    "on or before the inspection date, however long ago, besides every assessment started in "
    "the six months before the inspection date (from the same day six calendar months earlier, "
    "both days included)."
)


def current_intervention(inspection_date: dt.date) -> Q:
    """A current early help intervention on a day (for Annex A): an episode open that day –
    started on or before it and not closed before or on it (closing that day ends it, as for the
    open caseload) – held by a team of the council (coordinated by the local authority)."""
    return (
        Q(start_date__lte=inspection_date)
        & (Q(end_date__isnull=True) | Q(end_date__gt=inspection_date))
        & Q(team__organisation__is_council=True)
    )


def list_2_assessments(inspection_date: dt.date):
    """The assessments List 2 holds, and nothing else:
    - every assessment started in the six months before the inspection date (window(): from the
      same day six calendar months earlier – clamped to a shorter month's end – to the inspection
      date, both inclusive);
    - for each current intervention (an episode open on the inspection date), its latest
      assessment started on or before that date – however long ago it started.
    An assessment never completed and not the latest of an open episode drops out of the list six
    months after it started, like any other."""
    start, end = window(inspection_date)
    latest = (
        Assessment.objects.filter(episode=OuterRef("episode"), started_on__lte=end)
        .order_by("-started_on", "-created_at", "-pk")
        .values("pk")[:1]
    )
    current = Episode.objects.filter(current_intervention(end)).values("pk")
    return Assessment.objects.filter(started_on__lte=end).filter(
        Q(started_on__gte=start)
        | Q(episode__in=current, pk=Subquery(latest))
    )


def list_2_rows(inspection_date: dt.date) -> list[list]:
    """One row per child each assessment covers (Assessment.children – every child of the
    household at its start unless changed), sorted by Child Unique ID then start date."""
    assessments = {
        a["id"]: a for a in list_2_assessments(inspection_date).values(
            "id", "started_on", "completed_on", "completing_organisation__name",
        )
    }
    ids = list(assessments)
    through = Assessment.children.through
    people, rows = {}, []
    for start in range(0, len(ids), CHUNK):
        for assessment_id, *person in through.objects.filter(
            assessment_id__in=ids[start:start + CHUNK]
        ).values_list("assessment_id", *PERSON):
            a = assessments[assessment_id]
            rows.append([
                *_child(people, inspection_date, *person)[1],
                a["started_on"],
                a["completed_on"],
                a["completing_organisation__name"],
            ])
    rows.sort(key=lambda r: (r[0], r[5], r[6] or dt.date.max))
    return rows


def list_1_rows(inspection_date: dt.date) -> list[list]:
    """One row per child a contact in the window is about (subjects under 18 on the day, or not
    yet born), sorted by Child Unique ID then date of contact."""
    from django.utils import timezone

    start, end = window(inspection_date)
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end_before = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    links = ContactPerson.objects.filter(
        is_subject=True, contact__received_at__gte=start_at, contact__received_at__lt=end_before
    ).values_list("contact__received_at", "contact__source", *PERSON)
    local = timezone.get_current_timezone()
    people, rows = {}, []
    for received_at, source, *person in links:
        child, common = _child(people, inspection_date, *person)
        received = received_at.astimezone(local).date()
        if child.date_of_birth and age_in_years(child.date_of_birth, received) >= 18:
            continue
        rows.append([
            *common,
            received,
            CONTACT_SOURCE_LABELS.get(source, "u) 10: Unknown"),
        ])
    rows.sort(key=lambda r: (r[0], r[5]))
    return rows


def _sheet(title: str, headers: list[str], rows: list[list],
           date_columns: set[int]) -> xlsxwrite.Sheet:
    """A heading row in bold, frozen; dates are real dates shown dd/mm/yyyy."""
    widths = [14 if index in date_columns else max(14, len(header) + 2)
              for index, header in enumerate(headers)]
    return xlsxwrite.Sheet(title, headers, rows, widths)


@dataclass
class AnnexA:
    content: bytes
    list_1_rows: int
    list_2_rows: int


def workbook(inspection_date: dt.date, layout: str = LAYOUT_2026, lists=("1", "2")) -> AnnexA:
    """The XLSX: a sheet per list, named as the specification names them ('List 1', 'List 2')."""
    sheets = []
    n1 = n2 = 0
    if "1" in lists:
        rows = list_1_rows(inspection_date)
        n1 = len(rows)
        sheets.append(_sheet("List 1", columns(LIST_1_COLUMNS, layout), rows, {3, 5}))
    if "2" in lists:
        rows = list_2_rows(inspection_date)
        n2 = len(rows)
        sheets.append(_sheet("List 2", columns(LIST_2_COLUMNS, layout), rows, {3, 5, 6}))
    return AnnexA(xlsxwrite.workbook(sheets), n1, n2)
