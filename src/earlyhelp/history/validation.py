"""Read SSD CSV tables and check every row before anything is written.

Every problem is reported with its table, row (the CSV line, header = 1), column and reason;
nothing is guessed: an unknown code is refused with the codes that are accepted."""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from earlyhelp.core.dates import today
from earlyhelp.core.models import Team
from earlyhelp.people.identifiers import nhs_number_is_valid, normalise_nhs_number, upn_is_valid

from . import ssd
from .models import SourceRecord

# The ids kept as a record's source (SourceRecord.source_id): checked here with every other
# value, so the writer need not check a field again.
SOURCE_IDS = {"ssd_person": "pers_person_id", "ssd_family": "fami_family_id",
              "ssd_contacts": "cont_contact_id", "ssd_early_help_episodes": "earl_episode_id"}
SOURCE_ID_LENGTH = SourceRecord._meta.get_field("source_id").max_length


@dataclass(frozen=True)
class Problem:
    table: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} row {self.row}, {self.column}: {self.reason}"


@dataclass
class Extract:
    """The parsed rows of each table (each a dict with `_row`, the CSV line) and the problems."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    today: dt.date = field(default_factory=today)  # read once, not for every date

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
                "%d/%m/%Y"]


def parse_date(text: str) -> dt.date:
    if len(text) == 10 and text[4] == text[7] == "-":  # YYYY-MM-DD, nearly every date: no strptime
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use YYYY-MM-DD)")


def read_tables(source) -> dict[str, str]:
    """Table name -> CSV text, from a directory of `<table>.csv` files or a {filename: bytes}."""
    if isinstance(source, (str, Path)):
        files = {p.name: p.read_bytes() for p in Path(source).glob("*.csv")}
    else:
        files = dict(source)
    tables = {}
    for name, data in files.items():
        table = Path(name).stem.lower()
        if table in ssd.TABLES:
            tables[table] = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return tables


class _Checker:
    def __init__(self, extract: Extract, table: str, row: dict):
        self.extract, self.table, self.row = extract, table, row

    def problem(self, column: str, reason: str) -> None:
        self.extract.problems.append(Problem(self.table, self.row["_row"], column, reason))

    def date(self, column: str, *, required=False) -> dt.date | None:
        text = self.row.get(column, "")
        if not text:
            if required:
                self.problem(column, "is required")
            return None
        try:
            value = parse_date(text)
        except ValueError as error:
            self.problem(column, str(error))
            return None
        if value > self.extract.today:
            self.problem(column, f"{value:%Y-%m-%d} is in the future")
            return None
        return value

    def code(self, column: str, mapping: dict, *, what: str) -> str | None:
        text = self.row.get(column, "")
        if not text:
            return None
        value = mapping.get(text.strip().lower())
        if value is None:
            accepted = ssd.accepted_list(mapping)
            self.problem(column, f"unknown {what} '{text}' – accepted: {accepted}")
        return value


def parse(source) -> Extract:
    """Parse and check every table; referential checks across tables last."""
    extract = Extract()
    tables = read_tables(source)
    for table in ssd.REQUIRED_TABLES:
        if table not in tables:
            extract.problems.append(Problem(table, 0, "-", f"the file {table}.csv is missing"))
    teams = {name.lower(): name for name in Team.objects.values_list("name", flat=True)}
    for table in ssd.TABLES:
        if table not in tables:
            continue
        reader = csv.DictReader(io.StringIO(tables[table]))
        headers = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in ssd.REQUIRED[table] if c not in headers]
        if missing:
            extract.problems.append(
                Problem(table, 1, ", ".join(missing), "required column missing from the header"))
            continue
        parsed, seen = [], {}
        for line, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            row["_row"] = line
            check = _Checker(extract, table, row)
            for column in ssd.REQUIRED[table]:
                if not row.get(column):
                    check.problem(column, "is required")
            _PARSERS[table](check, row, teams)
            if len(row.get(SOURCE_IDS.get(table, ""), "")) > SOURCE_ID_LENGTH:
                check.problem(SOURCE_IDS[table], f"longer than {SOURCE_ID_LENGTH} characters")
            id_column = ssd.ID_COLUMN[table]
            key = row.get(id_column)
            if key and table not in ("ssd_early_help_episodes", "ssd_cin_episodes"):
                if key in seen:
                    check.problem(id_column, f"'{key}' repeats row {seen[key]}")
                seen.setdefault(key, line)
            parsed.append(row)
        extract.rows[table] = parsed
    _cross_checks(extract)
    return extract


def _person(check: _Checker, row: dict, teams) -> None:
    row["sex"] = check.code("pers_sex", ssd.SEX, what="sex") or "U"
    row["ethnicity"] = check.code("pers_ethnicity", ssd.ETHNICITY, what="ethnicity") or "NOBT"
    row["dob"] = check.date("pers_dob")
    row["expected_dob"] = None
    if row.get("pers_expected_dob") and not row["dob"]:
        text = row["pers_expected_dob"]
        try:
            row["expected_dob"] = parse_date(text)
        except ValueError as error:
            check.problem("pers_expected_dob", str(error))
    nhs = row.get("pers_common_child_id", "")
    row["nhs_number"] = ""
    if nhs:
        if nhs_number_is_valid(normalise_nhs_number(nhs)):
            row["nhs_number"] = normalise_nhs_number(nhs)
        else:
            check.problem("pers_common_child_id", f"'{nhs}' is not a valid NHS number")
    row["upn"] = ""
    for column, limit in (("pers_forename", 100), ("pers_surname", 100)):
        if len(row.get(column, "")) > limit:
            check.problem(column, f"longer than {limit} characters")


def _family(check, row, teams) -> None:
    pass


def _address(check, row, teams) -> None:
    row["start"] = check.date("addr_address_start_date")
    row["end"] = check.date("addr_address_end_date")
    if row["start"] and row["end"] and row["end"] < row["start"]:
        check.problem("addr_address_end_date", "is before the start date")
    text = row.get("addr_address_json", "")
    row["line_1"], row["town"], row["uprn"] = text[:200], "", ""
    if text.startswith("{"):
        try:
            parts = {k.upper(): str(v).strip() for k, v in json.loads(text).items() if v}
        except ValueError:
            check.problem("addr_address_json", "is not valid JSON")
            return
        row["line_1"] = " ".join(
            parts[k] for k in ("ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET") if k in parts
        )[:200]
        row["town"] = parts.get("TOWN", "")[:100]
        uprn = parts.get("UPRN", "")
        row["uprn"] = uprn if uprn.isdigit() and len(uprn) <= 12 else ""
    row["postcode"] = " ".join(row.get("addr_address_postcode", "").upper().split())[:10]


def _identifier(check, row, teams) -> None:
    kind = ssd.IDENTIFIER_TYPES.get(row.get("link_identifier_type", "").lower())
    row["kind"] = kind
    value = row.get("link_identifier_value", "")
    if kind == "upn":
        value = value.upper()
        if not upn_is_valid(value):
            check.problem("link_identifier_value", f"'{value}' is not a valid UPN")
    elif kind == "nhs_number":
        value = normalise_nhs_number(value)
        if not nhs_number_is_valid(value):
            check.problem("link_identifier_value", f"'{value}' is not a valid NHS number")
    row["value"] = value


def _contact(check, row, teams) -> None:
    row["date"] = check.date("cont_contact_date", required=False)
    row["source"] = check.code("cont_contact_source_code", ssd.REFERRAL_SOURCE,
                               what="CIN referral source code")


def _episode(check, row, teams) -> None:
    row["start"] = check.date("earl_episode_start_date")
    row["end"] = check.date("earl_episode_end_date")
    if row["start"] and row["end"] and row["end"] < row["start"]:
        check.problem("earl_episode_end_date", "is before the episode start date")
    row["reason"] = check.code("earl_episode_reason", ssd.EPISODE_REASON,
                               what="episode reason") or "other"
    row["outcome"] = check.code("earl_episode_end_reason", ssd.END_REASON, what="end reason")
    if row["end"] and not row.get("earl_episode_end_reason"):
        check.problem("earl_episode_end_reason", "is required when the episode has ended")
    if row.get("earl_episode_end_reason") and not row.get("earl_episode_end_date"):
        check.problem("earl_episode_end_date", "is required when there is an end reason")
    org = row.get("earl_episode_organisation", "")
    row["team"] = teams.get(org.lower()) if org else None
    if org and row["team"] is None:
        names = ", ".join(sorted(teams.values())) or "(no teams set up yet)"
        check.problem("earl_episode_organisation",
                      f"no earlyhelp team is called '{org}' – teams: {names}")


def _cin(check, row, teams) -> None:
    row["referral_date"] = check.date("cine_referral_date")
    row["close_date"] = check.date("cine_close_date")
    if row["referral_date"] and row["close_date"] and row["close_date"] < row["referral_date"]:
        check.problem("cine_close_date", "is before the referral date")
    row["source"] = check.code("cine_referral_source_code", ssd.REFERRAL_SOURCE,
                               what="CIN referral source code")
    row["close_reason"] = check.code("cine_close_reason", ssd.CIN_CLOSE_REASON,
                                     what="CIN closure reason")
    check.code("cine_cin_primary_need_code", ssd.PRIMARY_NEED, what="CIN primary need code")


_PARSERS = {
    "ssd_person": _person, "ssd_family": _family, "ssd_address": _address,
    "ssd_linked_identifiers": _identifier, "ssd_contacts": _contact,
    "ssd_early_help_episodes": _episode, "ssd_cin_episodes": _cin,
}


def _cross_checks(extract: Extract) -> None:
    people = {row["pers_person_id"] for row in extract.rows.get("ssd_person", [])}
    for table, column in ssd.PERSON_COLUMN.items():
        for row in extract.rows.get(table, []):
            person_id = row.get(column)
            if person_id and person_id not in people:
                extract.problems.append(Problem(
                    table, row["_row"], column, f"no person '{person_id}' in ssd_person"))
    by_id = {row["pers_person_id"]: row for row in extract.rows.get("ssd_person", [])}
    for row in extract.rows.get("ssd_linked_identifiers", []):
        if row.get("kind"):
            person = by_id.get(row["link_person_id"])
            if person is not None and not person.get(row["kind"]):
                person[row["kind"]] = row["value"]
    # One early help episode may have several rows (one per child): they must agree.
    first: dict[str, dict] = {}
    families = family_of(extract)
    for row in extract.rows.get("ssd_early_help_episodes", []):
        earlier = first.setdefault(row["earl_episode_id"], row)
        if earlier is row:
            continue
        for column in ("earl_episode_start_date", "earl_episode_end_date",
                       "earl_episode_end_reason", "earl_episode_organisation"):
            if row.get(column, "") != earlier.get(column, ""):
                extract.problems.append(Problem(
                    "ssd_early_help_episodes", row["_row"], column,
                    f"differs from row {earlier['_row']} of the same episode"))
        if families.get(row["earl_person_id"]) != families.get(earlier["earl_person_id"]):
            extract.problems.append(Problem(
                "ssd_early_help_episodes", row["_row"], "earl_person_id",
                f"is not in the same family as row {earlier['_row']} of the same episode"))
    # A family has one open early help episode at a time: episodes may not overlap.
    spans: dict[str, list[tuple]] = {}
    for row in first.values():
        if row.get("start"):
            family = families.get(row["earl_person_id"], "person:" + row["earl_person_id"])
            spans.setdefault(family, []).append(row)
    for rows in spans.values():
        rows.sort(key=lambda r: r["start"])
        for before, after in zip(rows, rows[1:], strict=False):
            if before["end"] is None or after["start"] < before["end"]:
                extract.problems.append(Problem(
                    "ssd_early_help_episodes", after["_row"], "earl_episode_start_date",
                    f"overlaps episode '{before['earl_episode_id']}' (row {before['_row']}) of "
                    "the same family: a family has one early help episode at a time"))


def family_of(extract: Extract) -> dict[str, str]:
    """Person id -> the family id their episodes belong to (their first family row)."""
    families: dict[str, str] = {}
    for row in extract.rows.get("ssd_family", []):
        families.setdefault(row["fami_person_id"], row["fami_family_id"])
    return families
