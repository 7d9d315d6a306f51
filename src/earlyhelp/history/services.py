"""Import a council's history from SSD tables: check everything, then write it all or nothing.

Every write goes through the casework services (people, frontdoor, cases) with the date the
thing happened, so the same rules hold for history as for new work; each imported record gets a
SourceRecord (source system, table, id) and an audit row saying where it came from."""

import datetime as dt
import json
import os
import shutil
import socket
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import earlyhelp.cases.services as cases
import earlyhelp.frontdoor.rules as frontdoor_rules
import earlyhelp.frontdoor.services as frontdoor
import earlyhelp.people.services as people
from earlyhelp.access import policy
from earlyhelp.cases.models import ClosureOutcome, Episode, EpisodeStatus
from earlyhelp.core import audit, bulk
from earlyhelp.core.codes import ReferralSource
from earlyhelp.core.dates import today
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditAction, Team
from earlyhelp.core.workflow import NEW, require_move
from earlyhelp.frontdoor.models import ConsentAnswer, Contact, ContactPerson
from earlyhelp.people.models import Family, MemberRole, Membership, Person

from . import matching, validation
from .bulk import Staged
from .episodes import EpisodeStager
from .journey import IMPORT_RUN
from .models import Decision, ImportRun, MatchReview, RunStatus, SourceRecord
from .validation import Extract, Problem

# SSD-to-earlyhelp: within a day, closures first (a family's next episode may start the day the
# last one ended), then contacts, then openings; an episode opened and closed on one day
# closes last.
CLOSE, CONTACT, OPEN, CLOSE_SAME_DAY = 0, 1, 2, 3
CONTACT_TYPE = Contact._meta.label_lower
CONCERNS_LENGTH = Contact._meta.get_field("concerns").max_length
SYSTEM_LENGTH = SourceRecord._meta.get_field("source_system").max_length
PERSON_VALUES = ["given_name", "family_name", "date_of_birth", "expected_date_of_birth", "sex",
                 "ethnicity", "nhs_number", "upn", "local_id"]


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    matched: int = 0
    reviews: int = 0  # people newly sent to review
    waiting: int = 0  # people held back, waiting for a review's decision
    rows: int = 0
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowFailed(Exception):
    def __init__(self, problem: Problem, *more: Problem):
        super().__init__(str(problem))
        self.problem = problem
        self.problems = [problem, *more]


def history_import(
    *, source, acting_user, source_system: str, progress: Callable[[int, int], None] | None = None,
    report: Callable[[str], None] | None = None, files: list[dict] | None = None,
    run: ImportRun | None = None,
) -> ImportResult:
    """Check every table, then write everything in one transaction – or nothing. `progress`
    hears (rows done, rows in all); `report` one line per stage with its rows/s; `files`
    ([{name, bytes, sha256}]) is kept with the run as its provenance (`run`: the page's queued
    run, completed here; otherwise a new one is recorded)."""
    # An action of its own (administrators, team managers): the casework services it calls
    # accept it as the authority for the writes they make for the import (importing_history).
    policy.require(acting_user, policy.Action.IMPORT_HISTORY)
    if not (source_system or "").strip():
        raise ValidationError({"source_system": "Name the system the extract came from"})
    if len(source_system.strip()) > SYSTEM_LENGTH:
        raise ValidationError({"source_system": f"Name the system in at most {SYSTEM_LENGTH} "
                                                "characters"})
    started = time.perf_counter()
    extract = validation.parse(source)
    result = ImportResult(problems=list(extract.problems), rows=extract.row_count)
    if report:
        seconds = time.perf_counter() - started
        report(f"read and checked: {extract.row_count:,} rows in {seconds:.1f} s "
               f"({extract.row_count / seconds if seconds else 0:,.0f} rows/s)")
    if not extract.ok:
        return result
    try:
        with transaction.atomic(), policy.importing_history(acting_user):
            writer = _Writer(extract, acting_user, source_system.strip(), result, progress,
                             report)
            writer.run()
            # Annex A's rows (insights) rebuilt for the contacts it wrote, and only those: it
            # writes no assessments, and an existing person it changes goes through
            # people.person_update, whose own receiver rebuilds that person's rows.
            bulk.written.send(sender=_Writer, contact_ids=writer.contact_ids, assessment_ids=())
            result.run = _record_run(result, acting_user, source_system.strip(),
                                     files if files is not None else _describe(source), run)
    except _RowFailed as failed:
        return ImportResult(problems=failed.problems, rows=extract.row_count)
    return result


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


class _Writer:
    def __init__(self, extract: Extract, user, system: str, result: ImportResult, progress,
                 report=None):
        self.x, self.user, self.system, self.result = extract, user, system, result
        self.progress, self.done = progress, 0
        self.staged = Staged(report, user)
        self.failed: list[Problem] = []
        self.contact_ids: list = []  # the contacts staged, for Annex A's rows
        self.known = {
            (table, source_id): object_id
            for table, source_id, object_id in SourceRecord.objects.filter(
                source_system=system).values_list("table", "source_id", "object_id")
        }
        self.people: dict[str, Person] = {}
        self.families: dict[str, Family] = {}  # person id -> their family
        self.teams = {t.name: t for t in Team.objects.all()}
        self.zone = timezone.get_current_timezone()  # once: looked up per row it cost more
        self.episodes: dict[str, Episode] = {}
        self.person_rows = {r["pers_person_id"]: r for r in extract.rows.get("ssd_person", [])}
        self.known_before = set(self.known)
        # Earlier reviews of this system's people: waiting ones hold the person back again;
        # decided ones say link (to which person) or import as new.
        self.decided: dict[str, Person | None] = {}
        self.waiting: set[str] = set()
        for review in MatchReview.objects.filter(source_system=system).select_related(
                "candidate"):
            if not review.resolved:
                self.waiting.add(review.source_id)
            elif review.decision == Decision.LINK:
                self.decided[review.source_id] = review.candidate
            elif review.decision == Decision.NEW:
                self.decided.setdefault(review.source_id, None)
        self.deferred: set[str] = set()  # SSD person ids held back this run

    # -- helpers ---------------------------------------------------------------------------
    def _step(self, table: str, row: dict, column: str, call):
        try:
            return call()
        except (ValidationError, IllegalMove, PermissionDenied) as error:
            raise _RowFailed(Problem(table, row["_row"], column, _message(error))) from error

    def _refuse_if_failed(self) -> None:
        if self.failed:
            raise _RowFailed(*self.failed)

    def _mark(self, table: str, source_id: str, obj, *, family_id=None, person_id=None,
              object_type: str = "") -> None:
        """Where the record came from: a source record and an audit row, inserted in bulk
        (`obj`: the record, or its id with its `object_type`)."""
        if object_type:
            object_id = str(obj)
        else:
            object_type, object_id = obj._meta.label_lower, str(obj.pk)
        self.staged.row(SourceRecord, source_system=self.system, table=table,
                        source_id=source_id, object_type=object_type, object_id=object_id)
        self.known[(table, source_id)] = object_id
        self.staged.audit(
            AuditAction.CHANGE.value, object_type, object_id, family_id, person_id,
            self.staged.changes(("source", table), {
                "source_system": self.system, "source_table": table, "source_id": source_id},
                "source_id"),
            "imported history", f"imported from {self.system} {table} {source_id}")

    def _tick(self, table: str) -> None:
        self.done += 1
        if self.progress and (self.done % 1000 == 0 or self.done == self.result.rows):
            self.progress(self.done, self.result.rows)

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> None:
        first_seen = self._first_dates()
        person_rows = self.x.rows.get("ssd_person", [])
        self._load_people(person_rows)
        self._first_pass(person_rows)
        for row in person_rows:
            self._person(row)
            self._tick("ssd_person")
        self._refuse_if_failed()
        self.staged.flush("ssd_person", len(person_rows))
        self._hold_back()
        self._families(first_seen)
        self._refuse_if_failed()
        self.staged.flush("ssd_family, ssd_address, ssd_linked_identifiers",
                          sum(len(self.x.rows.get(t, [])) for t in (
                              "ssd_family", "ssd_address", "ssd_linked_identifiers")))
        # Contacts are staged, not written one by one: the checks their services make on who
        # may write them, once.
        policy.require(self.user, policy.Action.RAISE_REQUEST, None)
        policy.require(self.user, policy.Action.WITHDRAW_REQUEST, None)
        # Episodes new to earlyhelp are staged too; the earlier ones of every household the
        # import's people belong to are held in memory (the re-referral rule reads them all).
        self.households = defaultdict(set)  # person pk -> every household they belong to
        people_ids = sorted({p.pk for p in self.people.values()}, key=str)
        for chunk in _chunks(people_ids):
            for person_id, family_id in Membership.objects.filter(
                    person_id__in=chunk).values_list("person_id", "family_id"):
                self.households[person_id].add(family_id)
        self.stager = EpisodeStager(
            staged=self.staged, user=self.user,
            family_ids={f.pk for f in self.families.values()}.union(*self.households.values()),
            next_reference=cases.next_reference("EH", Episode))
        for event in sorted(self._events(), key=lambda e: (e[0], e[1], e[2])):
            event[3]()
        self.staged.flush("ssd_contacts, ssd_early_help_episodes, ssd_cin_episodes",
                          sum(len(self.x.rows.get(t, [])) for t in (
                              "ssd_contacts", "ssd_early_help_episodes", "ssd_cin_episodes")))
        if self.progress and self.done != self.result.rows:  # rows not counted one by one
            self.progress(self.result.rows, self.result.rows)

    def _load_people(self, rows: list[dict]) -> None:
        """Everyone the extract may touch, in a few queries: people imported before (by id)
        and the people an identifier or a name and date of birth could match."""
        known = [self.known[("ssd_person", r["pers_person_id"])] for r in rows
                 if ("ssd_person", r["pers_person_id"]) in self.known]
        self.loaded = {}
        for chunk in _chunks(known):
            self.loaded.update({str(pk): p for pk, p in Person.objects.in_bulk(chunk).items()})
        self.by_nhs, self.by_upn, self.by_name = (defaultdict(list), defaultdict(list),
                                                  defaultdict(list))
        self.by_dob, self.by_surname = defaultdict(list), defaultdict(list)
        wanted = {"nhs_number": {r["nhs_number"] for r in rows if r["nhs_number"]},
                  "upn": {r["upn"] for r in rows if r.get("upn")},
                  "date_of_birth": {r["dob"] for r in rows if r["dob"]}}
        seen = set()
        for column, values in wanted.items():
            for chunk in _chunks(sorted(values)):
                for person in Person.objects.filter(**{f"{column}__in": chunk}):
                    if person.pk not in seen:
                        seen.add(person.pk)
                        self._index(person)
        # The linkage model's block beyond the date of birth: the same surname (a date of
        # birth mistyped), as the model's blocking rules let names and a year through.
        for chunk in _chunks(sorted({r["pers_surname"] for r in rows if r["pers_surname"]})):
            for person in Person.objects.filter(family_name__in=chunk):
                if person.pk not in seen:
                    seen.add(person.pk)
                    self._index(person)
        self.before = seen  # people here before this import: the model's candidates
        self.places: dict = {}  # person pk -> (postcode, first address line) of their household
        for chunk in _chunks(sorted(seen, key=str)):
            for person_id, postcode, line in Membership.objects.filter(
                    person_id__in=chunk, end_date__isnull=True).values_list(
                    "person_id", "family__postcode", "family__address_line_1"):
                self.places[person_id] = (postcode, line)
        self.incoming_places: dict[str, tuple[str, str]] = {}
        for row in sorted(self.x.rows.get("ssd_address", []),
                          key=lambda a: a.get("start") or dt.date.min):
            if row.get("end") is None:
                self.incoming_places[row["addr_person_id"]] = (row["postcode"], row["line_1"])
        # A child seldom has an address row of their own: their household's is theirs.
        households = defaultdict(list)
        for row in self.x.rows.get("ssd_family", []):
            households[row["fami_family_id"]].append(row["fami_person_id"])
        for members in households.values():
            place = next((self.incoming_places[m] for m in members
                          if m in self.incoming_places), None)
            for member in members:
                if place and member not in self.incoming_places:
                    self.incoming_places[member] = place

    def _index(self, person: Person) -> None:
        if person.date_of_birth:
            self.by_dob[person.date_of_birth].append(person)
        self.by_surname[person.family_name.lower()].append(person)
        if person.nhs_number:
            self.by_nhs[person.nhs_number].append(person)
        if person.upn:
            self.by_upn[person.upn].append(person)
        if person.date_of_birth:
            self.by_name[(person.given_name.lower(), person.family_name.lower(),
                          person.date_of_birth)].append(person)

    def _first_dates(self) -> dict[str, dt.date]:
        """Each person's earliest dated event: when they are taken to have joined the family."""
        first: dict[str, dt.date] = {}
        columns = {"ssd_contacts": ("cont_person_id", "date"),
                   "ssd_early_help_episodes": ("earl_person_id", "start"),
                   "ssd_cin_episodes": ("cine_person_id", "referral_date"),
                   "ssd_address": ("addr_person_id", "start")}
        for table, (person_column, date_key) in columns.items():
            for row in self.x.rows.get(table, []):
                day = row.get(date_key)
                if day and (row[person_column] not in first or day < first[row[person_column]]):
                    first[row[person_column]] = day
        return first

    def _values(self, row: dict) -> dict:
        return {
            "given_name": row["pers_forename"], "family_name": row["pers_surname"],
            "date_of_birth": row["dob"], "expected_date_of_birth": row["expected_dob"],
            "sex": row["sex"], "ethnicity": row["ethnicity"], "nhs_number": row["nhs_number"],
            "upn": row.get("upn", ""),
            "local_id": (row.get("pers_legacy_id") or row["pers_person_id"])[:40],
        }

    def _person(self, row: dict) -> None:
        source_id = row["pers_person_id"]
        values = self._values(row)
        known = self.known.get(("ssd_person", source_id))
        if known:
            person = self.loaded[known]
            changed = {k: v for k, v in values.items() if getattr(person, k) != v}
            if changed:
                person = self._step("ssd_person", row, "pers_person_id",
                                    lambda: people.person_update(
                                        person=person, acting_user=self.user, **changed))
                self.result.updated["people"] += 1
            else:
                self.result.unchanged["people"] += 1
            self.people[source_id] = person
            return
        if source_id in self.deferred:  # waiting for a review, or in a household that is
            return
        if source_id in self.decided:  # an administrator decided: link, or import as new
            match, doubtful = self.decided[source_id], []
        elif source_id in self.first_pass:
            match, doubtful = self.first_pass[source_id], []
        elif values["nhs_number"] or values["upn"]:  # a holder this import has just added
            match, doubtful = self._match(values, source_id)
        else:
            match, doubtful = None, []
        if match is not None:
            self.people[source_id] = match
            self._mark("ssd_person", source_id, match, person_id=match.pk)
            self.result.matched += 1
            return
        if doubtful:
            self._to_review(source_id, values, doubtful)
            return
        # No field checks here, and not `people.person_build`'s instance: `validation.parse`
        # checked every value for the whole extract (required, lengths, codes, identifiers
        # tidied as person_build tidies them, a date of birth or an expected one, not both)
        # before anything is written.
        person = self.staged.build(Person, values, acting_user=self.user)
        self.staged.create(person, acting_user=self.user, person_id=person.pk)
        self._index(person)
        self._mark("ssd_person", source_id, person, person_id=person.pk)
        self.result.created["people"] += 1
        self.people[source_id] = person

    def _first_pass(self, rows: list[dict]) -> None:
        """Match every new incoming person against the people here before the import, before
        anyone is written: a doubtful one holds back their household (_hold_back) whole."""
        self.first_pass: dict[str, Person | None] = {}
        for row in rows:
            source_id = row["pers_person_id"]
            if ("ssd_person", source_id) in self.known or source_id in self.decided:
                continue
            if source_id in self.waiting:  # a review still waits: held back again
                self.deferred.add(source_id)
                continue
            values = self._values(row)
            match, doubtful = self._match(values, source_id)
            if doubtful:
                self._to_review(source_id, values, doubtful)
            else:
                self.first_pass[source_id] = match
        self._hold_back()

    def _to_review(self, source_id: str, values: dict, doubtful: list) -> None:
        """Neither merged nor imported: the person, and their household's history, wait for
        an administrator's decision (history/reviews/). One review row per candidate."""
        incoming = {k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in values.items()}
        incoming["postcode"], incoming["address"] = self.incoming_places.get(
            source_id, ("", ""))
        for candidate, score, comparisons, reason in doubtful:
            self.staged.add(MatchReview(
                source_system=self.system, source_id=source_id, incoming=incoming,
                candidate=candidate, score=score,
                comparisons=[c.as_dict() for c in comparisons], reason=reason[:300],
                created_by=self.user, modified_by=self.user))
        self.result.reviews += 1
        self.deferred.add(source_id)

    def _side(self, values: dict, source_id: str) -> matching.Side:
        postcode, line = self.incoming_places.get(source_id, ("", ""))
        return matching.Side(values["given_name"], values["family_name"],
                             values["date_of_birth"], values["sex"], postcode, line,
                             values["nhs_number"], values["upn"])

    def _candidate_side(self, person: Person) -> matching.Side:
        postcode, line = self.places.get(person.pk, ("", ""))
        return matching.Side(person.given_name, person.family_name, person.date_of_birth,
                             person.sex, postcode or "", line or "", person.nhs_number,
                             person.upn)

    def _match(self, values: dict, source_id: str):
        """Identifiers first: an NHS number or UPN held by exactly one person whose date of birth
        agrees is the same person; an identifier shared otherwise goes to review. Without a
        decisive identifier, the linkage model scores the people here before this import
        (same date of birth or surname): one at or above the upper threshold links; anyone
        between the thresholds goes to review; below, a new person. Never merged silently.
        Returns (person to link or None, [(candidate, score, comparisons, reason)])."""
        incoming = self._side(values, source_id)

        def scored(person):
            return matching.compare(incoming, self._candidate_side(person))

        if values["nhs_number"] or values["upn"]:
            holders = (self.by_nhs.get(values["nhs_number"] or None, [])
                       + self.by_upn.get(values["upn"] or None, []))
            found = list({p.pk: p for p in holders}.values())[:3]
            if len(found) == 1 and found[0].date_of_birth == values["date_of_birth"]:
                return found[0], []
            if found:
                return None, [(p, *scored(p), "shares an identifier (NHS number or UPN) but "
                               "not the date of birth, or the identifier is held by more than "
                               "one person") for p in found]
        pool = {p.pk: p for p in (self.by_dob.get(values["date_of_birth"], [])
                                  + self.by_surname.get(values["family_name"].lower(), []))
                if p.pk in self.before}
        bands = defaultdict(list)
        for person in pool.values():
            score, comparisons = scored(person)
            bands[matching.band(score, comparisons)].append((person, score, comparisons))
        links = bands[matching.LINK]
        if len(links) == 1:  # one certain match: others in the review band are not this one
            return links[0][0], []
        doubtful = sorted(links + bands[matching.REVIEW], key=lambda c: -c[1])[:3]
        return None, [(p, score, comparisons,
                       "more than one person scores as a match" if len(links) > 1 else
                       f"the linkage model scores {score:.1%}: not certain enough to link "
                       f"(links from {matching.UPPER:.0%} with first names that agree and no "
                       "identifier that differs)")
                      for p, score, comparisons in doubtful]

    def _hold_back(self) -> None:
        """A person waiting for review holds back their households, everyone in them and all
        their contacts and episodes, so a family's history comes in whole once decided."""
        if not self.deferred:
            return
        members = defaultdict(set)
        for row in self.x.rows.get("ssd_family", []):
            members[row["fami_family_id"]].add(row["fami_person_id"])
        self.deferred_families = set()
        grew = True
        while grew:
            grew = False
            for family_id, people_ids in members.items():
                if family_id not in self.deferred_families and people_ids & self.deferred:
                    self.deferred_families.add(family_id)
                    self.deferred |= people_ids
                    grew = True
        self.result.waiting = len(self.deferred)

    def _families(self, first_seen: dict[str, dt.date]) -> None:
        members: dict[str, list[dict]] = defaultdict(list)
        for row in self.x.rows.get("ssd_family", []):
            members[row["fami_family_id"]].append(row)
        # People with casework but no family row get a household of their own.
        in_family = {row["fami_person_id"] for rows in members.values() for row in rows}
        for table, column in (("ssd_contacts", "cont_person_id"),
                              ("ssd_early_help_episodes", "earl_person_id")):
            for row in self.x.rows.get(table, []):
                if row[column] not in in_family:
                    in_family.add(row[column])
                    members["person:" + row[column]].append(
                        {"_row": row["_row"], "fami_person_id": row[column], "_table": table})
        addresses = defaultdict(list)
        for row in self.x.rows.get("ssd_address", []):
            addresses[row["addr_person_id"]].append(row)
        for family_id, rows in members.items():
            if any(r["fami_person_id"] in self.deferred for r in rows):
                continue  # waits for a review's decision (_hold_back)
            self._family(family_id, rows, addresses, first_seen)

    def _family(self, family_id, rows, addresses, first_seen) -> None:
        table = rows[0].get("_table", "ssd_family")
        person_rows = [self.people[r["fami_person_id"]] for r in rows]
        current = [a for r in rows for a in addresses.get(r["fami_person_id"], [])
                   if a.get("end") is None]
        current.sort(key=lambda a: a.get("start") or dt.date.min)
        address = {}
        if current:
            latest = current[-1]
            address = {"address_line_1": latest["line_1"], "town": latest["town"],
                       "postcode": latest["postcode"], "uprn": latest["uprn"]}
        known = self.known.get(("ssd_family", family_id))
        if known:
            family = Family.objects.get(pk=known)
            changed = {k: v for k, v in address.items() if getattr(family, k) != v}
            if changed:
                self._step(table, rows[0], "fami_family_id", lambda: people.family_update(
                    family=family, acting_user=self.user, **changed))
                self.result.updated["families"] += 1
        else:
            surname = person_rows[0].family_name
            # `people.family_build`'s one tidying (the postcode) was `validation.parse`'s.
            family = self.staged.build(Family, {"name": f"{surname} household", **address},
                                       acting_user=self.user)
            self.staged.create(family, acting_user=self.user, family_id=family.pk)
            self._mark("ssd_family", family_id, family, family_id=family.pk)
            self.result.created["families"] += 1
            self._new_family(table, family, rows, person_rows, first_seen)
            return
        present = set(Membership.objects.filter(family=family, end_date__isnull=True)
                      .values_list("person_id", flat=True))
        for row, person in zip(rows, person_rows, strict=False):
            self.families.setdefault(row["fami_person_id"], family)
            if person.pk in present:
                continue
            start = self._joined(row, person, first_seen)
            role = self._role(row["fami_person_id"], person, start)
            self._step(table, row, "fami_person_id", lambda p=person, r=role, s=start:
                       people.membership_add(family=family, person=p, role=r, start_date=s,
                                             acting_user=self.user))
            present.add(person.pk)
            self.result.created["memberships"] += 1

    def _new_family(self, table, family, rows, person_rows, first_seen) -> None:
        """A household new to earlyhelp: its members are staged and inserted in bulk (nobody is
        a member yet, so `membership_add`'s one check cannot fail but for a repeated row)."""
        present = set()
        for row, person in zip(rows, person_rows, strict=False):
            self.families.setdefault(row["fami_person_id"], family)
            if person.pk in present:
                continue
            joined = self._joined(row, person, first_seen)
            self.staged.row(Membership, **self.staged.new(
                Membership, {"family_id": family.pk, "person_id": person.pk,
                             "start_date": joined,
                             "role": str(self._role(row["fami_person_id"], person, joined))},
                acting_user=self.user, family_id=family.pk, person_id=person.pk))
            present.add(person.pk)
            self.result.created["memberships"] += 1

    @staticmethod
    def _joined(row, person, first_seen) -> dt.date:
        start = first_seen.get(row["fami_person_id"]) or person.date_of_birth or today()
        if person.date_of_birth and start < person.date_of_birth:
            start = person.date_of_birth
        return start

    def _role(self, person_id: str, person: Person, on: dt.date) -> str:
        """The SSD has no household role: under 18 (or unborn) is a child; a recorded mother a
        parent or carer; any other adult 'other adult'."""
        if person.is_unborn or (person.date_of_birth and person.age_on(on) < 18):
            return MemberRole.CHILD
        row = self.person_rows.get(person_id, {})
        if row.get("pers_is_mother", "").upper() == "Y":
            return MemberRole.PARENT_CARER
        return MemberRole.OTHER_ADULT

    # -- dated events ----------------------------------------------------------------------
    def _events(self):
        for row in self.x.rows.get("ssd_contacts", []):
            if row["cont_person_id"] in self.deferred:
                self._tick("ssd_contacts")
                continue
            if ("ssd_contacts", row["cont_contact_id"]) in self.known:
                self.result.unchanged["contacts"] += 1
                self._tick("ssd_contacts")
                continue
            yield (row["date"], CONTACT, row["_row"], lambda row=row: self._contact(row))
        episodes: dict[str, list[dict]] = defaultdict(list)
        for row in self.x.rows.get("ssd_early_help_episodes", []):
            episodes[row["earl_episode_id"]].append(row)
        self.cin_by_person = defaultdict(list)
        for row in self.x.rows.get("ssd_cin_episodes", []):
            self.cin_by_person[row["cine_person_id"]].append(row)
            self._tick("ssd_cin_episodes")
        for rows in (self.x.rows.get(t, []) for t in ("ssd_family", "ssd_address",
                                                       "ssd_linked_identifiers")):
            for _ in rows:
                self._tick("other")
        for episode_id, rows in episodes.items():
            head = rows[0]
            if any(r["earl_person_id"] in self.deferred for r in rows):
                for _ in rows:
                    self._tick("ssd_early_help_episodes")
                continue
            known = self.known.get(("ssd_early_help_episodes", episode_id))
            if known:
                episode = self.stager.held(known)
                self.episodes[episode_id] = episode
                if episode.status == EpisodeStatus.OPEN and head["end"]:
                    yield (head["end"], CLOSE, head["_row"],
                           lambda rows=rows: self._close(rows))
                else:
                    self.result.unchanged["episodes"] += 1
                for _ in rows:
                    self._tick("ssd_early_help_episodes")
                continue
            yield (head["start"], OPEN, head["_row"], lambda rows=rows: self._open(rows))
            if head["end"]:
                order = CLOSE_SAME_DAY if head["end"] == head["start"] else CLOSE
                yield (head["end"], order, head["_row"], lambda rows=rows: self._close(rows))

    def _contact(self, row: dict) -> None:
        """What `contact_create` then `contact_withdraw` would write, staged for a bulk insert:
        the same record, reference sequence, re-referral rule and audit rows. The contacts'
        one cross-row check (the person belongs to the household) holds by construction: the
        household is the one the import made the person a member of."""
        person = self.people[row["cont_person_id"]]
        family = self.families.get(row["cont_person_id"])
        # The date is required and not in the future (`check_event_date`'s rule), checked for
        # every row by `validation.parse`.
        received = timezone.make_aware(dt.datetime.combine(row["date"], dt.time(9, 0)),
                                       self.zone)
        source = row["source"]
        label = ReferralSource(source).label
        previous = self.stager.latest_closed(
            self.households[person.pk], frontdoor_rules.re_referral_since(row["date"]),
            row["date"])
        family_id = family.pk if family else None
        concerns = (f"Imported from {self.system}: contact {row['cont_contact_id']}."
                    + (f" Outcome: {row['cont_contact_outcome_json']}" if row.get(
                        "cont_contact_outcome_json") else ""))
        if len(concerns) > CONCERNS_LENGTH:  # the one value made here, not in validation
            raise _RowFailed(Problem(
                "ssd_contacts", row["_row"], "cont_contact_id",
                f"concerns: Ensure this value has at most {CONCERNS_LENGTH:,} characters "
                f"(it has {len(concerns):,})."))
        contact = self.staged.new(Contact, {
            "reference": self._next_contact_reference(), "received_at": received,
            "source": str(source), "decision_due_at": frontdoor_rules.decision_due(received, ""),
            "referrer_name": (row.get("cont_contact_source_desc") or label)[:200],
            "concerns": concerns,
            "family_id": family_id, "family_consents_to_request": ConsentAnswer.NOT_ASKED.value,
            "family_consents_to_share": ConsentAnswer.NOT_ASKED.value,
            "is_re_referral": previous is not None,
            "re_referral_of_id": previous.pk if previous is not None else None,
        }, acting_user=self.user, family_id=family_id)
        # The extract holds no front-door decision: the contact leaves the triage queue as
        # history, not as work waiting (docs/decisions/history-import.md) – as
        # `contact_withdraw` records it.
        before = contact["status"]
        contact["status"] = str(require_move("contact", "withdraw", before))
        contact["version"] += 1
        # The contact before its people: tables go in in the order first staged, and a
        # database checking keys at once (SET CONSTRAINTS IMMEDIATE) needs the contact first.
        self.staged.row(Contact, **contact)
        self.contact_ids.append(contact["id"])
        self.staged.row(ContactPerson, contact_id=contact["id"], person_id=person.pk,
                        is_subject=True)
        self.staged.audit(
            AuditAction.CHANGE.value, CONTACT_TYPE, str(contact["id"]), family_id, None,
            {"status": [audit._plain(before), audit._plain(contact["status"])]},
            f"Imported history from {self.system}: the extract holds no triage decision")
        self._mark("ssd_contacts", row["cont_contact_id"], contact["id"], family_id=family_id,
                   object_type=CONTACT_TYPE)
        self.result.created["contacts"] += 1
        self._tick("ssd_contacts")

    def _next_contact_reference(self) -> str:
        """The front door's sequence (C000123), counted on from the last one already written."""
        if not hasattr(self, "contact_number"):
            last = frontdoor.next_contact_reference()
            self.contact_number = int(last[1:]) - 1
        self.contact_number += 1
        return f"C{self.contact_number:06d}"

    def _step_down_from(self, rows: list[dict], family: Family):
        """A social care case closed RC9 (referred to early help) on or before this episode's
        start, and after the family's previous episode ended, makes this episode a step-down."""
        start = rows[0]["start"]
        previous = self.stager.previous(family, start)
        since = previous.end_date if previous and previous.end_date else dt.date.min
        found = [c for r in rows for c in self.cin_by_person.get(r["earl_person_id"], [])
                 if c.get("close_reason") == "RC9" and c.get("close_date")
                 and since <= c["close_date"] <= start]
        found.sort(key=lambda c: c["close_date"])
        return (found[-1] if found else None), previous

    def _open(self, rows: list[dict]) -> None:
        head = rows[0]
        family = self.families[head["earl_person_id"]]
        children = list(dict.fromkeys(self.people[r["earl_person_id"]] for r in rows))
        team = self.teams[head["team"]]
        cin, previous = self._step_down_from(rows, family)
        step_down = None
        if cin is not None:
            step_down = {
                "from_episode": (previous if previous and previous.closure_outcome ==
                                 ClosureOutcome.STEPPED_UP else None),
                "reason": f"Stepped down from children's social care (imported {self.system} "
                          f"referral {cin['cine_referral_id']})",
                "reference": cin["cine_referral_id"][:40], "decided_on": cin["close_date"]}
        episode = self._step("ssd_early_help_episodes", head, "earl_episode_start_date",
                             lambda: self.stager.open(
                                 family=family, team=team, start_date=head["start"],
                                 reason=head["reason"], children=children, step_down=step_down))
        self.episodes[head["earl_episode_id"]] = episode
        self._mark("ssd_early_help_episodes", head["earl_episode_id"], episode,
                   family_id=family.pk)
        self.result.created["episodes"] += 1
        for _ in rows:
            self._tick("ssd_early_help_episodes")

    def _close(self, rows: list[dict]) -> None:
        head = rows[0]
        episode = self.episodes[head["earl_episode_id"]]
        table, column = "ssd_early_help_episodes", "earl_episode_end_date"
        new = episode._state.adding  # staged by this import: closed before it is inserted
        summary = f"Imported from {self.system}: {head['earl_episode_end_reason']}"
        if head["outcome"] == ClosureOutcome.STEPPED_UP:
            cin = sorted((c for r in rows for c in self.cin_by_person.get(r["earl_person_id"], [])
                          if c.get("referral_date") and c["referral_date"] >= head["start"]),
                         key=lambda c: c["referral_date"])
            reference = cin[0]["cine_referral_id"][:40] if cin else ""
            reason = f"Stepped up to children's social care (imported from {self.system})"
            self._step(table, head, column, lambda: self.stager.step_up(
                episode, on=head["end"], reason=reason, reference=reference) if new else
                cases.episode_step_up(episode=episode, on=head["end"], acting_user=self.user,
                                      reason=reason, social_care_reference=reference))
        else:
            self._step(table, head, column, lambda: self.stager.close(
                episode, outcome=head["outcome"], end_date=head["end"], summary=summary) if new
                else cases.episode_close(
                    episode=episode, outcome=head["outcome"], end_date=head["end"],
                    acting_user=self.user, history_import=True, summary=summary))
        if not new:  # the copy the import holds follows what the service wrote
            episode.refresh_from_db(fields=["status", "end_date", "closure_outcome", "version"])
        if (table, head["earl_episode_id"]) in self.known_before:
            self.result.updated["episodes"] += 1


def open_reviews():
    return MatchReview.objects.filter(resolved=False).select_related("candidate")


@transaction.atomic
def review_decide(*, review: MatchReview, same_person: bool, acting_user) -> list[MatchReview]:
    """An administrator's decision on an incoming person: the same person as this candidate
    (the next import links the SSD row to them) or nobody here (the next import creates a new
    person). Every candidate row of that incoming person is settled at once; audited."""
    policy.require(acting_user, policy.Action.REVIEW_HISTORY_MATCHES)
    rows = list(MatchReview.objects.select_for_update().filter(
        source_system=review.source_system, source_id=review.source_id).order_by("pk"))
    if any(r.resolved for r in rows):
        raise IllegalMove("This match has already been decided")
    now = timezone.now()
    for row in rows:
        before = audit.snapshot(row, ["resolved", "decision"])
        if not same_person:
            row.decision = Decision.NEW
        else:
            row.decision = Decision.LINK if row.pk == review.pk else Decision.NOT_CHOSEN
        row.resolved, row.decided_by, row.decided_at = True, acting_user, now
        row.modified_by, row.version = acting_user, row.version + 1
        row.save()
        audit.record(user=acting_user, action=AuditAction.CHANGE, obj=row,
                     person_id=row.candidate_id, changes=audit.diff(row, before,
                                                                     ["resolved", "decision"]),
                     reason=f"imported history: {row.get_decision_display()}",
                     detail=f"{row.source_system} ssd_person {row.source_id}")
    return rows


def reviews_waiting():
    """The incoming people waiting for a decision, each with their candidates."""
    grouped: dict[tuple[str, str], list[MatchReview]] = {}
    for review in open_reviews().order_by("created_at", "source_system", "source_id", "-score"):
        grouped.setdefault((review.source_system, review.source_id), []).append(review)
    return list(grouped.values())


def _describe(source) -> list[dict]:
    """The files an import read, with their size and SHA-256, for its provenance."""
    import hashlib

    if isinstance(source, dict):
        items = sorted(source.items())
    else:
        items = [(p.name, p.read_bytes()) for p in sorted(Path(source).glob("*.csv"))]
    return [{"name": name, "bytes": len(data if isinstance(data, bytes) else data.encode()),
             "sha256": hashlib.sha256(data if isinstance(data, bytes) else data.encode())
             .hexdigest()} for name, data in items]


def _record_run(result: ImportResult, user, system: str, files: list[dict],
                run: ImportRun | None = None) -> ImportRun:
    state = NEW if run is None else run.status
    run = run or ImportRun(source_system=system, files=files, created_by=user)
    run.status = IMPORT_RUN.require("import", state)
    run.rows, run.rows_done = result.rows, result.rows
    run.modified_by, run.staged_path = user, ""
    run.summary = {"created": dict(result.created), "updated": dict(result.updated),
                   "matched": result.matched, "reviews": result.reviews,
                   "waiting": result.waiting}
    run.save()
    audit.record(user=user, action=AuditAction.CREATE, obj=run, reason="imported history",
                 changes={"source_system": system, "files": [f["name"] for f in files]},
                 detail=f"history import from {system}: {result.rows} rows")
    return run


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def history_dir() -> Path:
    """Where the page's uploads wait for the worker (EARLYHELP_HISTORY_DIR, else var/history)."""
    from django.conf import settings

    configured = getattr(settings, "EARLYHELP_HISTORY_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "history"


def import_receive(*, files: dict[str, bytes], source_system: str, acting_user,
                   enqueue: bool = True) -> ImportRun:
    """Keep the uploaded CSVs and queue their check and import for the task worker: a large
    extract takes minutes, and the page shows its progress meanwhile."""
    import hashlib

    policy.require(acting_user, policy.Action.IMPORT_HISTORY)
    if not (source_system or "").strip():
        raise ValidationError({"source_system": "Enter the system the extract came from"})
    run = ImportRun(source_system=source_system.strip()[:60],
                    status=IMPORT_RUN.require("queue", NEW),
                    created_by=acting_user, modified_by=acting_user,
                    files=[{"name": name, "bytes": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()}
                           for name, data in sorted(files.items())])
    relative = Path(str(run.pk))
    target = history_dir() / relative
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (target / Path(name).name).write_bytes(data)
    run.staged_path = str(relative)
    run.save()
    audit.record(user=acting_user, action=AuditAction.CREATE, obj=run,
                 reason="history import queued",
                 changes={"source_system": run.source_system, "files": run.files})
    if enqueue:
        from .tasks import import_history

        transaction.on_commit(lambda: import_history.enqueue(str(run.pk)))
    return run


def import_run(run_id) -> ImportRun:
    """The worker's part: check and import a queued run's files, with progress on the run; its
    outcome is written to the run (imported, or every problem, or the error). The staged files
    are then removed."""
    fail_stale_runs()  # a worker starting finds the runs of one that died
    # Claimed with a compare-and-set, so two workers never import the same files; the claim
    # (who, when) is committed before the import's transaction begins.
    if not ImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=IMPORT_RUN.require("start", RunStatus.QUEUED), worker=_this_worker(),
            started_at=timezone.now()):
        return ImportRun.objects.get(pk=run_id)
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    path = history_dir() / run.staged_path

    def progress(done: int, total: int) -> None:
        write_progress(path, done, total)

    outcome: dict = {"staged_path": ""}
    try:
        result = history_import(source=path, acting_user=run.created_by,
                                source_system=run.source_system, progress=progress,
                                files=run.files, run=run)
    except (ValidationError, PermissionDenied) as refused:
        outcome |= {"status": IMPORT_RUN.require("refuse", RunStatus.RUNNING),
                    "message": _message(refused)[:500]}
    except Exception as error:  # the page says so rather than waiting for ever
        outcome |= {"status": IMPORT_RUN.require("fail", RunStatus.RUNNING),
                    "message": f"The import stopped with an error: {error}. Nothing was "
                               "written."[:500]}
    else:
        if not result.ok:
            outcome |= {"status": IMPORT_RUN.require("refuse", RunStatus.RUNNING),
                        "rows": result.rows,
                        "problems": [[p.table, p.row, p.column, p.reason]
                                     for p in result.problems]}
    finally:
        shutil.rmtree(path, ignore_errors=True)
    if "status" in outcome:
        ImportRun.objects.filter(pk=run.pk).update(**outcome)
    else:
        ImportRun.objects.filter(pk=run.pk).update(staged_path="")
    run.refresh_from_db()
    return run


PROGRESS_FILE = "progress.json"


def write_progress(directory: Path, done: int, total: int) -> None:
    """The rows done so far, in a small file beside the run's uploaded files, which the run page
    reads (selectors.run_progress): the import's transaction holds its own writes – and on
    SQLite the database's one write lock – until it commits, so progress written to the run's
    row would be seen only at the end. Replaced whole (rename), so a reader never sees half."""
    target = directory / PROGRESS_FILE
    temporary = directory / (PROGRESS_FILE + ".tmp")
    try:
        temporary.write_text(json.dumps({"done": done, "total": total}))
        os.replace(temporary, target)
    except OSError:  # the directory removed under a run failed as stale: progress is advisory
        pass


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_gone(worker: str) -> bool:
    """The worker ran on this host and its process is no more."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: only the time limit can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def fail_stale_runs(now=None) -> list[ImportRun]:
    """Move runs whose worker died (its process gone from this host, or claimed longer ago than
    EARLYHELP_HISTORY_RUN_LIMIT) from "checking and importing" to failed, with the reason:
    their transaction was never committed, so nothing of them was written. Called by the run
    pages and by a worker as it starts a run. Returns the runs failed."""
    from django.conf import settings

    now = now or timezone.now()
    limit = settings.EARLYHELP_HISTORY_RUN_LIMIT
    failed = []
    for run in ImportRun.objects.filter(status=RunStatus.RUNNING):
        if run.worker and _worker_gone(run.worker):
            reason = (f"The task worker ({run.worker}) stopped before the import finished. "
                      "Nothing was written: upload the extract again.")
        elif run.started_at is None or now - run.started_at > limit:
            reason = (f"The import did not finish within {limit} of starting: its worker is "
                      "taken to have stopped. Nothing was written: upload the extract again.")
        else:
            continue
        status = IMPORT_RUN.require("fail", run)
        # Compare-and-set: a worker that finishes meanwhile wins.
        if ImportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=status, message=reason[:500], staged_path=""):
            if run.staged_path:
                shutil.rmtree(history_dir() / run.staged_path, ignore_errors=True)
            audit.record(user=None, action=AuditAction.CHANGE, obj=run,
                         changes={"status": [RunStatus.RUNNING, status]}, reason=reason[:300])
            run.refresh_from_db()
            failed.append(run)
    return failed
