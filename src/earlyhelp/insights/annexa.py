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

import bisect
import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import (
    Cast,
    Collate,
    TruncDate,
)
from django.utils import timezone

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Episode
from earlyhelp.core.dates import age_in_years, months_before
from earlyhelp.frontdoor.models import ContactPerson

from . import annexarows, xlsxwrite
from .models import AnnexAAssessmentRow, AnnexAContactRow

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


def _child_id():
    """child_unique_id() worked out by the database, for the live query."""
    return annexarows.child_id_sql()


def _text(field: str):
    """A date or time column read as the text the database writes it in: no driver or Django
    conversion per value (on SQLite a date would be parsed per row); _Rows reads each
    distinct date once."""
    return Cast(field, CharField())


PERSON = ("child_id", "person__sex", "person__ethnicity", "born")


def _plain_rows(queryset, fields: tuple[str, ...]) -> list:
    """The rows of `queryset.values_list(*fields)` as the driver returns them, without Django's
    conversion of each value (a third of the export's time at a borough's volume): text, numbers
    and dates – dates as ISO text on SQLite, which _Rows reads. (Django 5.2 selects the columns
    in values_list()'s order, annotations included.)"""
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _iso(value) -> str | None:
    """A date from the driver (ISO text or a date) as ISO text: text compares and sorts as the
    dates do, so rows keep dates as text and only the tests' lists read them back."""
    return value if value is None or type(value) is str else value.isoformat()


NEVER = dt.date.max.isoformat()  # the 18th birthday of a child not yet born


def _adult_from(born: dt.date | None) -> str:
    """The 18th birthday as ISO text (1 March for a 29 February birthday in a year without one,
    as age_in_years counts); NEVER for a child not yet born."""
    if born is None:
        return NEVER
    try:
        return born.replace(year=born.year + 18).isoformat()
    except ValueError:
        return dt.date(born.year + 18, 3, 1).isoformat()


class _Rows:
    """The lists' rows built straight from the database's tuples (codes, dates as ISO text),
    with each row's cells written as XML here: a child's five columns once per child (their
    values kept as the key the tests' lists read back), each date, label and name's cell once;
    a row is its sort fields, the child's key and its cells' XML in one string – no cell object
    or per-cell XML in the sheet (xlsxwrite puts the string in as it is)."""

    def __init__(self, on: dt.date):
        self.on = on
        self.children, self.born, self.cells = {}, {}, {None: "<c/>"}
        self.sex = {code: xlsxwrite.cell(label) for code, label in SEX_LABELS.items()}
        self.ethnicity = {code: xlsxwrite.cell(label)
                          for code, label in ETHNICITY_LABELS.items()}

    def child(self, child_id, sex, ethnicity, born) -> tuple:
        """(the child's key, their cells' XML, their 18th birthday as ISO text)."""
        key = (child_id, sex, ethnicity, born)
        known = self.children.get(key)
        if known is None:
            born_xml, adult_from = self.born.get(born) or self._born(born)
            xml = "".join((xlsxwrite.text_cell(child_id),
                           self.sex.get(sex) or self.sex["U"],
                           self.ethnicity.get(ethnicity) or self.ethnicity["NOBT"], born_xml))
            known = self.children[key] = (key, xml, adult_from)
        return known

    def _born(self, born) -> tuple[str, str]:
        day = None if born is None else dt.date.fromisoformat(_iso(born))
        age = age_in_years(day, self.on) if day else None
        known = self.born[born] = (xlsxwrite.cell(day) + xlsxwrite.cell(age), _adult_from(day))
        return known

    def date(self, iso: str | None) -> str:
        xml = self.cells.get(iso)
        if xml is None:
            xml = self.cells[iso] = xlsxwrite.cell(dt.date.fromisoformat(iso))
        return xml

    def text(self, value: str | None) -> str:
        key = ("text", value)
        xml = self.cells.get(key)
        if xml is None:
            xml = self.cells[key] = xlsxwrite.cell(value)
        return xml

    def values(self, rows, dates: int) -> list[list]:
        """The rows as values (for list_1_rows / list_2_rows and the tests): the child's common
        columns, then the row's first `dates` fields read back as dates, the rest as they are."""
        children = {}
        out = []
        for key, *rest, _xml in rows:
            common = children.get(key)
            if common is None:
                child_id, sex, ethnicity, born = key
                born = None if born is None else dt.date.fromisoformat(_iso(born))
                common = children[key] = Child(child_id, sex, ethnicity, born).common(self.on)
            out.append([*common, *(v if v is None else dt.date.fromisoformat(v)
                                   for v in rest[:dates]), *rest[dates:]])
        return out


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
    return Assessment.objects.filter(started_on__lte=end).filter(
        Q(started_on__gte=start) | Q(pk__in=_latest_of_current(end))
    )


def _latest_of_current(end: dt.date, **filters):
    """The latest assessment, started on or before `end`, of each current intervention."""
    latest = (
        Assessment.objects.filter(episode=OuterRef("episode"), started_on__lte=end)
        .order_by("-started_on", "-created_at", "-pk")
        .values("pk")[:1]
    )
    current = Episode.objects.filter(current_intervention(end)).values("pk")
    return Assessment.objects.filter(
        episode__in=current, pk=Subquery(latest), **filters
    ).values("pk")


def _list_2_rows(builder: _Rows, fetched) -> list[tuple]:
    """(child key, start, completion, organisation, the row's cells' XML), sorted by child,
    start, completion (none last) and organisation."""
    child, date, text = builder.child, builder.date, builder.text
    rows = []
    append = rows.append
    for child_id, sex, ethnicity, born, started, completed, organisation in fetched:
        key, xml, _ = child(child_id, sex, ethnicity, born)
        started, completed = _iso(started), _iso(completed)
        append((key, started, completed, organisation,
                xml + date(started) + date(completed) + text(organisation)))
    rows.sort(key=lambda r: (r[0][0], r[1], r[2] or NEVER, r[3] or ""))
    return rows


def _list_2_live(inspection_date: dt.date) -> list[tuple]:
    """List 2's rows counted from the records (the reference the stored rows are checked
    against), as _list_2_rows() gives them."""
    links = Assessment.children.through.objects.filter(
        assessment__in=list_2_assessments(inspection_date)
    ).annotate(
        child_id=_child_id(), born=_text("person__date_of_birth"),
        started=_text("assessment__started_on"), completed=_text("assessment__completed_on"),
    )
    fields = (*PERSON, "started", "completed", "assessment__completing_organisation__name")
    return _list_2_rows(_Rows(inspection_date), _plain_rows(links, fields))


def list_2_rows(inspection_date: dt.date, live: bool = False) -> list[list]:
    """One row per child each assessment covers (Assessment.children – every child of the
    household at its start unless changed), sorted by Child Unique ID, start date, completion
    date, then organisation. From the stored rows (annexarows); `live`: counted from the
    records, one query joining the assessments in scope, their children and organisation."""
    rows = _list_2_live(inspection_date) if live else _list_2(inspection_date)
    return _Rows(inspection_date).values(rows, dates=2)


def _local_days(start: dt.date, end: dt.date):
    """A function giving the day, in the council's time zone, of a contact's received_at as
    selected by list_1_rows: on PostgreSQL the database gives the day; SQLite has no time zones,
    so received_at comes as its stored UTC text and is placed between the UTC texts of each
    local midnight in the window (exact whatever the zone's offsets; no datetime per row)."""
    if connection.vendor != "sqlite":
        return TruncDate("contact__received_at"), lambda received: received
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 2)]
    midnights = [
        timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        .astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        for day in days
    ]  # the format Django stores datetimes in on SQLite: naive UTC, "YYYY-MM-DD HH:MM:SS[.f]"

    def local_day(received: str) -> dt.date:
        return days[bisect.bisect_right(midnights, received) - 1]

    return _text("contact__received_at"), local_day


def _list_1_live(inspection_date: dt.date) -> list[tuple]:
    """List 1's rows counted from the records (the reference the stored rows are checked
    against): (the child's common columns, date of contact, contact source)."""
    start, end = window(inspection_date)
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end_before = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    received, local_day = _local_days(start, end)
    links = ContactPerson.objects.filter(
        is_subject=True, contact__received_at__gte=start_at, contact__received_at__lt=end_before
    ).annotate(child_id=_child_id(), born=_text("person__date_of_birth"), received=received)
    fetched = _plain_rows(links, (*PERSON, "received", "contact__source"))
    return _list_1_rows(_Rows(inspection_date), (
        (*person, local_day(received), source) for *person, received, source in fetched))


def _list_1_rows(builder: _Rows, fetched) -> list[tuple]:
    """(child key, date of contact, source label, the row's cells' XML) for each contact about
    a child under 18 on its day (or not yet born), sorted by child, day, then source (ties by
    source: the same order every time)."""
    child, date = builder.child, builder.date
    sources = {}
    rows = []
    append = rows.append
    for child_id, sex, ethnicity, born, day, source in fetched:
        key, xml, adult_from = child(child_id, sex, ethnicity, born)
        day = _iso(day)
        if day < adult_from:
            label = sources.get(source)
            if label is None:
                name = CONTACT_SOURCE_LABELS.get(source, "u) 10: Unknown")
                label = sources[source] = (name, xlsxwrite.cell(name))
            append((key, day, label[0], xml + date(day) + label[1]))
    rows.sort(key=lambda r: (r[0][0], r[1], r[2]))
    return rows


def list_1_rows(inspection_date: dt.date, live: bool = False) -> list[list]:
    """One row per child a contact in the window is about (subjects under 18 on the day, or not
    yet born), sorted by Child Unique ID, date of contact, then source. One query."""
    rows = _list_1_live(inspection_date) if live else _list_1(inspection_date)
    return _Rows(inspection_date).values(rows, dates=1)


STORED_CHILD = ("child_id", "sex", "ethnicity", "born")  # dates as text: see _text()


def _by_child(queryset, *then):
    """Ordered by Child Unique ID then `then` – on PostgreSQL byte by byte (COLLATE "C", as
    Python compares text and as SQLite does): the rows then come in almost the order the lists
    sort them into, and the database's sort costs half as much as under the locale."""
    child = Collate("child_id", "C") if connection.vendor == "postgresql" else "child_id"
    return queryset.order_by(child, *then)


def _list_1(inspection_date: dt.date) -> list[tuple]:
    """List 1 from the stored rows (annexarows): a range of the day index, the child's columns
    on the row – no join. The same rows as _list_1_live()."""
    start, end = window(inspection_date)
    stored = _by_child(AnnexAContactRow.objects.filter(day__gte=start, day__lte=end).annotate(
        born=_text("date_of_birth"), on=_text("day")), "day")
    return _list_1_rows(_Rows(inspection_date),
                        _plain_rows(stored, (*STORED_CHILD, "on", "source")))


def _list_2(inspection_date: dt.date) -> list[tuple]:
    """List 2 from the stored rows (annexarows): the window's range of the start index, and the
    latest assessment of each current intervention. The same rows as _list_2_live()."""
    start, end = window(inspection_date)
    current = _latest_of_current(end, started_on__lt=start)  # later ones are in the range
    stored = _by_child(AnnexAAssessmentRow.objects.filter(
        Q(started_on__gte=start, started_on__lte=end) | Q(assessment_id__in=current)
    ).annotate(
        born=_text("date_of_birth"), started=_text("started_on"), completed=_text("completed_on"),
    ), "started_on")
    return _list_2_rows(_Rows(inspection_date), _plain_rows(
        stored, (*STORED_CHILD, "started", "completed", "organisation__name")))


def _sheet(title: str, headers: list[str], rows: list[tuple],
           date_columns: set[int]) -> xlsxwrite.Sheet:
    """A heading row in bold, frozen; dates are real dates shown dd/mm/yyyy. Each row's cells
    are already XML (its last item)."""
    widths = [14 if index in date_columns else max(14, len(header) + 2)
              for index, header in enumerate(headers)]
    return xlsxwrite.Sheet(title, headers, [row[-1] for row in rows], widths)


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
        rows = _list_1(inspection_date)
        n1 = len(rows)
        sheets.append(_sheet("List 1", columns(LIST_1_COLUMNS, layout), rows, {3, 5}))
    if "2" in lists:
        rows = _list_2(inspection_date)
        n2 = len(rows)
        sheets.append(_sheet("List 2", columns(LIST_2_COLUMNS, layout), rows, {3, 5, 6}))
    return AnnexA(xlsxwrite.workbook(sheets), n1, n2)
