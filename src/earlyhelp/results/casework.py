"""Casework as rule sources: earlyhelp's own records about a family, staged next to the linked
agency records as `src_casework_<what>` tables, so a measure reads them in targeting's criteria
language and one evaluator judges both (docs/decisions/results-casework-sources.md).

Every casework record is about the family: it is read as a record of each of the family's
members (`person_of_record`), and those members join the family's household in
`household_members` – the run's household when the family is linked, else a household of its
own (`family:<id>`), so a family no targeting run has found is still judged on its casework.
A rule's `who` picks the members by age on the reference date, as for agency records.
"""

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
from django.utils import timezone

from earlyhelp.cases.models import Transition, TransitionKind
from earlyhelp.core.dates import long_date
from earlyhelp.frontdoor.models import Contact, TriageDecision, TriageOutcome
from earlyhelp.people.models import MemberRole, Membership
from earlyhelp.plans.models import FamilyRating, ProgressScore

from . import selection
from .linked import ADULT_AGE

AGENCY = "Early help casework"
ARROW = {"date": pa.date32(), "int": pa.int64(), "bool": pa.bool_(), "text": pa.string()}


@dataclass(frozen=True)
class CaseworkSource:
    """What the criteria language needs of a source: its columns and its date column."""

    code: str
    name: str
    columns: tuple[tuple[str, str, str], ...]  # (name, type, meaning)
    agency: str = AGENCY
    date_column: str = "date"
    end_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [name for name, _, _ in self.columns]

    def column(self, name: str) -> "CaseworkColumn":
        for column in self.columns:
            if column[0] == name:
                return CaseworkColumn(*column)
        raise KeyError(name)


@dataclass(frozen=True)
class CaseworkColumn:
    name: str
    type: str
    meaning: str


_WHO = ("recorded_by", "text", "who recorded it")
CASEWORK_SOURCES = {
    s.code: s for s in (
        CaseworkSource("casework_step_up", "Step-up to children's social care", (
            ("date", "date", "the day of the step-up or of the front door's decision"),
            ("via", "text", "episode (an episode closed stepped up) or front_door (a request "
                            "for support referred to children's social care)"),
            ("reference", "text", "the episode's or the request's reference"),
            ("cin_code", "text", "the CIN referral source recorded (5D)"),
            _WHO,
        )),
        CaseworkSource("casework_contact", "New request for support", (
            ("date", "date", "the day it was received (only requests after the family joined)"),
            ("source", "text", "the referral source code (e.g. 2A school)"),
            ("re_referral", "bool", "true when within 12 months of an episode's closure"),
            ("reference", "text", "the request's reference"),
            _WHO,
        )),
        CaseworkSource("casework_progress", "Practitioner's progress score at a review", (
            ("date", "date", "the day the review was held"),
            ("need", "text", "the need's theme code (e.g. substance, dv, neglect)"),
            ("score", "int", "1 (serious concern) to 10 (no concern)"),
            ("reference", "text", "the episode's reference"),
            _WHO,
        )),
        CaseworkSource("casework_family_rating", "The family's own rating of a need", (
            ("date", "date", "the review's day, or the episode's end at closure"),
            ("need", "text", "the need's theme code"),
            ("score", "int", "1 (serious concern) to 10 (no concern)"),
            ("rater", "text", "who in the family rated it (parent_carer, young_person, ...)"),
            ("at", "text", "review or closure"),
            ("reference", "text", "the episode's reference"),
            _WHO,
        )),
    )
}


def sources_read(rule: dict) -> set[str]:
    return {c.get("source") for c in rule.get("any_of", []) if c.get("source") in CASEWORK_SOURCES}


def reads_agency(rule: dict) -> bool:
    return any(c.get("source") and c["source"] not in CASEWORK_SOURCES
               for c in rule.get("any_of", []))


def family_key(family_id) -> str:
    """The household of a family no targeting run has linked."""
    return f"family:{family_id}"


def _name(row: dict, prefix: str) -> str:
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return full or row[prefix + "username"] or "not recorded"


def _who(prefix: str) -> list[str]:
    return [f"{prefix}{f}" for f in ("first_name", "last_name", "username")]


def _member_kind(role, born, expected, reference: dt.date):
    if born is None:
        if expected is not None and expected > reference:
            return "unborn", None
        return ("child" if role == MemberRole.CHILD else "adult"), None
    age = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
    return ("child" if age < ADULT_AGE else "adult"), age


def _local_day(moment) -> dt.date:
    return timezone.localtime(moment).date()


def stage(con, attachments, keys: dict, codes: set[str], reference: dt.date) -> dict:
    """Stage the casework sources `codes` for the attachments' families in `con`, each family's
    members under its household key (`keys`: attachment pk -> key). One query per source and
    one for the members, whatever the number of families. Returns {record_key: details} for
    the evidence (what the record is, who recorded it, which episode or request)."""
    households: dict = {}
    joined: dict = {}
    for a in attachments:
        households.setdefault(a.family_id, set()).add(keys[a.pk])
        joined[a.family_id] = min(joined.get(a.family_id, a.attached_on), a.attached_on)
    families = _family_filter(list(households), attachments)
    # A re-check on the same connection replaces what an earlier one staged.
    con.execute("DELETE FROM household_members WHERE person_key LIKE 'eh:%'")
    con.execute("DELETE FROM person_of_record WHERE person_key LIKE 'eh:%'")
    members_of: dict = {}
    member_rows = []
    for family_id, person_id, role, born, expected in Membership.objects.filter(
            family_id__in=families).values_list(
            "family_id", "person_id", "role", "person__date_of_birth",
            "person__expected_date_of_birth").distinct():
        if family_id not in households:  # read by programme: another family on it
            continue
        person = f"eh:{person_id}"
        members_of.setdefault(family_id, []).append(person)
        kind, age = _member_kind(role, born, expected, reference)
        member_rows += [{"household_key": key, "person_key": person, "member_kind": kind,
                         "age": age} for key in sorted(households[family_id])]
    _insert(con, "household_members", member_rows, {"household_key": pa.string(),
            "person_key": pa.string(), "member_kind": pa.string(), "age": pa.int64()})

    details: dict = {}
    links = []
    for code in sorted(codes):
        rows = []
        for family_id, record, values, detail in _READERS[code](families, joined):
            if family_id not in joined:  # read by programme: another family on it
                continue
            rows.append({"record_key": record, **values})
            details[record] = detail
            links += [{"record_key": record, "person_key": p} for p in members_of.get(family_id, [])]
        source = CASEWORK_SOURCES[code]
        schema = {"record_key": pa.string(), **{n: ARROW[t] for n, t, _ in source.columns}}
        table = pa.Table.from_pylist(rows, schema=pa.schema(schema))
        con.register("casework_input", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE src_{code} AS SELECT * FROM casework_input")
        con.unregister("casework_input")
    _insert(con, "person_of_record", links, {"record_key": pa.string(),
                                              "person_key": pa.string()})
    return details


def _family_filter(families: list, attachments):
    """What the readers' `family_id__in` takes: the ids, or their programmes' families (a
    subquery) for many families – see `selection`."""
    if not selection.is_many(len(families)):
        return families
    return selection.programme_families(attachments)


def _insert(con, table: str, rows: list[dict], schema: dict) -> None:
    if not rows:
        return
    con.register("casework_rows", pa.Table.from_pylist(rows, schema=pa.schema(schema)))
    columns = ", ".join(schema)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM casework_rows")
    con.unregister("casework_rows")


def _step_ups(families, joined):
    for t in Transition.objects.filter(kind=TransitionKind.STEP_UP, family_id__in=families).values(
            "id", "family_id", "date", "episode_id", "episode__reference", "cin_code",
            *_who("recorded_by__")):
        who = _name(t, "recorded_by__")
        yield t["family_id"], f"cw-step-up:{t['id']}", {
            "date": t["date"], "via": "episode", "reference": t["episode__reference"],
            "cin_code": t["cin_code"], "recorded_by": who,
        }, {"kind": "episode", "episode_id": str(t["episode_id"]), "by": who,
            "text": f"Episode {t['episode__reference']} stepped up to children's social care "
                    f"on {long_date(t['date'])}"}
    for d in TriageDecision.objects.filter(
            outcome=TriageOutcome.STEP_UP, contact__family_id__in=families).values(
            "id", "contact_id", "contact__reference", "contact__family_id", "decided_at",
            *_who("decided_by__")):
        day, who = _local_day(d["decided_at"]), _name(d, "decided_by__")
        yield d["contact__family_id"], f"cw-triage:{d['id']}", {
            "date": day, "via": "front_door", "reference": d["contact__reference"],
            "cin_code": "", "recorded_by": who,
        }, {"kind": "contact", "contact_id": str(d["contact_id"]), "by": who,
            "text": f"Request {d['contact__reference']} referred to children's social care on "
                    f"{long_date(day)}"}


def _contacts(families, joined):
    for c in Contact.objects.filter(family_id__in=families).values(
            "id", "family_id", "reference", "received_at", "source", "is_re_referral",
            *_who("created_by__")):
        day = _local_day(c["received_at"])
        since = joined.get(c["family_id"])  # None: another family on the programme
        if since is None or day <= since:  # the request that brought the family is not new
            continue
        who = _name(c, "created_by__")
        yield c["family_id"], f"cw-contact:{c['id']}", {
            "date": day, "source": c["source"], "re_referral": c["is_re_referral"],
            "reference": c["reference"], "recorded_by": who,
        }, {"kind": "contact", "contact_id": str(c["id"]), "by": who,
            "text": f"Request for support {c['reference']} received on {long_date(day)}"}


def _progress(families, joined):
    for s in ProgressScore.objects.filter(review__episode__family_id__in=families).values(
            "id", "score", "need__theme__code", "need__theme__name", "review__held_on",
            "review__episode__family_id", "review__episode_id", "review__episode__reference",
            *_who("review__created_by__")):
        who = _name(s, "review__created_by__")
        yield s["review__episode__family_id"], f"cw-progress:{s['id']}", {
            "date": s["review__held_on"], "need": s["need__theme__code"], "score": s["score"],
            "reference": s["review__episode__reference"], "recorded_by": who,
        }, {"kind": "review", "episode_id": str(s["review__episode_id"]), "by": who,
            "text": f"Review of {s['review__episode__reference']} on "
                    f"{long_date(s['review__held_on'])}: {s['need__theme__name']} scored "
                    f"{s['score']} by the practitioner"}


def _ratings(families, joined):
    for r in FamilyRating.objects.filter(view__episode__family_id__in=families,
                                         view__declined=False).values(
            "id", "score", "need__theme__code", "need__theme__name", "view__rater",
            "view__review__held_on", "view__episode__end_date", "view__created_at",
            "view__episode__family_id", "view__episode_id", "view__episode__reference",
            *_who("view__created_by__")):
        at_review = r["view__review__held_on"] is not None
        day = (r["view__review__held_on"] or r["view__episode__end_date"]
               or _local_day(r["view__created_at"]))
        who = _name(r, "view__created_by__")
        yield r["view__episode__family_id"], f"cw-rating:{r['id']}", {
            "date": day, "need": r["need__theme__code"], "score": r["score"],
            "rater": r["view__rater"], "at": "review" if at_review else "closure",
            "reference": r["view__episode__reference"], "recorded_by": who,
        }, {"kind": "review" if at_review else "episode",
            "episode_id": str(r["view__episode_id"]), "by": who,
            "text": f"The family's rating ({'review' if at_review else 'closure'} of "
                    f"{r['view__episode__reference']}, {long_date(day)}): "
                    f"{r['need__theme__name']} {r['score']}"}


_READERS = {"casework_step_up": _step_ups, "casework_contact": _contacts,
            "casework_progress": _progress, "casework_family_rating": _ratings}
