"""A claim's export: the approved families, one row each, in a column layout kept as data
(ClaimLayout: [{"header": ..., "field": ...}]). CSV for anyone, XLSX for the spreadsheet the
funder's return is pasted into."""

import csv
import io

from django.core.exceptions import ValidationError
from openpyxl import Workbook


def _outcomes(row) -> str:
    return "; ".join(f"{n['outcome']}: {n['measure']}" for n in row.evidence.get("needs", []))


def _sustained_from(row) -> str:
    days = [n["sustained_from"] for n in row.evidence.get("needs", []) if n.get("sustained_from")]
    return max(days) if days else ""


# Every field a layout may name: (what it is, in words; how to read it from a claim's row).
FIELDS = {
    "claim_reference": ("The claim's reference", lambda r: str(r.claim_id)),
    "programme": ("The programme's code", lambda r: r.claim.framework.code),
    "window_start": ("First day of the claim window", lambda r: str(r.claim.window_start)),
    "window_end": ("Last day of the claim window", lambda r: str(r.claim.window_end)),
    "family_reference": ("The family's reference", lambda r: str(r.attachment.family_id)),
    "family_name": ("The family's name", lambda r: r.attachment.family.name),
    "household_key": ("The household in the linked records",
                      lambda r: r.evidence.get("household_key", "")),
    "attached_on": ("The day the family joined", lambda r: r.evidence.get("attached_on", "")),
    "checked_on": ("The day its outcomes were judged", lambda r: r.evidence.get("checked_on", "")),
    "basis": ("Outcomes met, or continuous employment",
              lambda r: "Continuous employment" if r.evidence.get("in_work_sustained")
              else "All outcomes met and sustained"),
    "outcomes": ("The headline outcomes in its plan", _outcomes),
    "sustained_from": ("The latest day an outcome became sustained", _sustained_from),
    "verification": ("The verifier's verdict", lambda r: r.get_verification_display()),
    "approved_on": ("The day the claim was approved", lambda r: str(r.claim.approved_on or "")),
}

DEFAULT_COLUMNS = [
    {"header": "Claim", "field": "claim_reference"},
    {"header": "Programme", "field": "programme"},
    {"header": "Family reference", "field": "family_reference"},
    {"header": "Household", "field": "household_key"},
    {"header": "Joined", "field": "attached_on"},
    {"header": "Outcomes judged on", "field": "checked_on"},
    {"header": "Basis", "field": "basis"},
    {"header": "Headline outcomes", "field": "outcomes"},
    {"header": "Sustained from", "field": "sustained_from"},
    {"header": "Sample verdict", "field": "verification"},
]


def validate_columns(columns) -> None:
    if not isinstance(columns, list) or not columns:
        raise ValidationError("A layout is a list of at least one column")
    for i, column in enumerate(columns, start=1):
        if not isinstance(column, dict) or set(column) != {"header", "field"}:
            raise ValidationError(f"Column {i} needs exactly a header and a field")
        if column["field"] not in FIELDS:
            raise ValidationError(f"Column {i}: “{column['field']}” is not a field of a claim; "
                                  f"choose one of {', '.join(FIELDS)}")
        if not str(column["header"]).strip():
            raise ValidationError(f"Column {i} needs a header")


def table(claim_families, columns) -> list[list[str]]:
    """The header row, then one row per family in the claim."""
    readers = [FIELDS[c["field"]][1] for c in columns]
    return [[c["header"] for c in columns]] + [[read(row) for read in readers]
                                               for row in claim_families]


def _safe(cell: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: keep it text.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


def to_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe(str(cell)) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([_safe(str(cell)) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(claim, fmt: str) -> str:
    return f"claim-{claim.framework.code}-{claim.window_end}.{fmt}"

