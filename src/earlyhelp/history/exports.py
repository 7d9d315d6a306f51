"""Write earlyhelp's records as SSD CSV tables, so the sector's tools (and `history_import`)
can read them. What the SSD has no field for is left out (docs/history.md)."""

import csv
import json
from collections import defaultdict
from pathlib import Path

from django.utils import timezone

from earlyhelp.access import policy
from earlyhelp.cases.models import Episode, FocusChild, Transition, TransitionKind
from earlyhelp.core import audit
from earlyhelp.core.codes import EpisodeReason
from earlyhelp.core.models import AuditAction
from earlyhelp.frontdoor.models import ContactPerson
from earlyhelp.people.models import Family, MemberRole, Membership, Person

from . import ssd


def _grouped(pairs) -> dict[object, list]:
    """{key: [values in the order given]} from (key, value) pairs: one query for all rows."""
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _day(value) -> str:
    return value.isoformat() if value else ""


def tables() -> dict[str, list[dict]]:
    """Every table as a list of rows (dicts keyed by the SSD column names)."""
    mothers = set(Membership.objects.filter(role=MemberRole.PARENT_CARER, end_date__isnull=True)
                  .values_list("person_id", flat=True))
    out: dict[str, list[dict]] = {name: [] for name in ssd.TABLES}
    for p in Person.objects.order_by("created_at", "id").iterator():
        out["ssd_person"].append({
            "pers_person_id": p.pk, "pers_forename": p.given_name, "pers_surname": p.family_name,
            "pers_sex": ssd.SEX_EXPORT[p.sex], "pers_ethnicity": p.ethnicity,
            "pers_dob": _day(p.date_of_birth), "pers_common_child_id": p.nhs_number,
            "pers_legacy_id": p.local_id, "pers_expected_dob": _day(p.expected_date_of_birth),
            # The SSD's nearest thing to a household role ("Mother" flag) carries parent/carer.
            "pers_is_mother": "Y" if p.pk in mothers else "",
        })
        if p.upn:
            out["ssd_linked_identifiers"].append({
                "link_table_id": f"UPN-{p.pk}", "link_person_id": p.pk,
                "link_identifier_type": "Unique Pupil Number", "link_identifier_value": p.upn})
    addressed = set()
    for m in Membership.objects.filter(end_date__isnull=True).select_related("family").order_by(
            "family__created_at", "start_date", "id").iterator():
        out["ssd_family"].append({"fami_table_id": m.pk, "fami_family_id": m.family_id,
                                  "fami_person_id": m.person_id})
        f: Family = m.family
        if f.pk not in addressed and (f.address_line_1 or f.postcode):
            addressed.add(f.pk)
            parts = {"STREET": f.address_line_1, "TOWN": f.town, "UPRN": f.uprn}
            out["ssd_address"].append({
                "addr_table_id": f"ADDR-{f.pk}", "addr_person_id": m.person_id,
                "addr_address_json": json.dumps({k: v for k, v in parts.items() if v}),
                "addr_address_type": "Home", "addr_address_start_date": _day(m.start_date),
                "addr_address_postcode": f.postcode})
    # Each contact's subjects in id order (UUIDs sort alike in Python and the database).
    subjects = _grouped(ContactPerson.objects.filter(is_subject=True).order_by(
        "contact_id", "person_id").values_list("contact_id", "person_id"))
    for cp in ContactPerson.objects.filter(is_subject=True).select_related("contact").order_by(
            "contact__received_at", "id").iterator():
        c = cp.contact
        several = len(subjects[c.pk]) > 1
        out["ssd_contacts"].append({
            # The SSD's ids are at most 48 characters: the contact's id and the child's place
            # among its subjects, not the two ids (73).
            "cont_contact_id": (f"{c.pk}-{subjects[c.pk].index(cp.person_id) + 1}" if several
                                else c.pk),
            # The day in England, as the front door received it (not the UTC date).
            "cont_person_id": cp.person_id,
            "cont_contact_date": _day(timezone.localtime(c.received_at).date()),
            "cont_contact_source_code": c.source, "cont_contact_source_desc": c.referrer_name})
    labels = dict(EpisodeReason.choices)
    focus = _focus_children()
    for e in Episode.objects.select_related("team").order_by("start_date", "id").iterator():
        children = list(dict.fromkeys(focus[e.pk]))
        for person_id in children:
            out["ssd_early_help_episodes"].append({
                "earl_episode_id": e.pk, "earl_person_id": person_id,
                "earl_episode_start_date": _day(e.start_date),
                "earl_episode_end_date": _day(e.end_date),
                "earl_episode_reason": labels.get(e.reason, e.reason),
                "earl_episode_end_reason": ssd.END_REASON_EXPORT.get(e.closure_outcome, ""),
                "earl_episode_organisation": e.team.name,
                "earl_episode_worker_id": e.lead_practitioner_id or ""})
    out["ssd_cin_episodes"] = _cin_rows()
    return out


def _cin_rows() -> list[dict]:
    """Social care referrals as far as earlyhelp knows them: a step-up (a referral from early
    help, 5D) and a step-down (social care's case closed RC9); one referral when they share a
    social care reference."""
    rows: dict[str, dict] = {}
    focus = _focus_children()
    for t in Transition.objects.order_by("date", "created_at"):
        if not focus[t.episode_id]:
            continue
        person = focus[t.episode_id][0]
        key = t.social_care_reference or f"{t.kind}-{t.pk}"
        row = rows.setdefault(key, {"cine_referral_id": key, "cine_person_id": person})
        if t.kind == TransitionKind.STEP_UP:
            row.update(cine_referral_date=_day(t.date), cine_referral_source_code="5D")
        else:
            closed = t.social_care_decided_on or t.date
            row.setdefault("cine_referral_date", _day(closed))
            row.update(cine_close_reason="RC9", cine_close_date=_day(closed))
    return list(rows.values())


def _focus_children() -> dict:
    """Each episode's focus children, first taken on first."""
    return _grouped(FocusChild.objects.order_by("episode_id", "started_on", "created_at")
                    .values_list("episode_id", "person_id"))


def history_export(*, directory, acting_user) -> dict[str, int]:
    """Write the SSD CSV files into `directory`; audited as an export."""
    if acting_user is not None:
        policy.require(acting_user, policy.Action.CREATE_HOUSEHOLD)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in tables().items():
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=ssd.TABLES[name], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        counts[name] = len(rows)
    audit.record(user=acting_user, action=AuditAction.EXPORT, object_type="history.ssd",
                 detail=f"SSD tables exported to {directory}"[:300], changes=counts)
    return counts
