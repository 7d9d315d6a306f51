"""Retention review: which records are due for review under the retention rules, and which
are held. It only lists – nothing here deletes or changes a record.

Rules are rows (`core.RetentionRule`, shipped defaults in migration core 0003):
- family (early help record): due once the youngest child of the household reaches the rule's
  age (25 by default) and no episode is open. A household with no child's date of birth is
  listed as needing a person to look at it.
- contact (a request that led to no early help): due the rule's years after it was received
  or decided, when the household has no early help episode (else the family rule governs).
A legal hold on the household, or on a person in it, keeps a record off the due list (shown
as held).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest

from earlyhelp.core import dates
from earlyhelp.governance.models import (
    LegalHold,
    RetentionBasis,
    RetentionRecordType,
    RetentionRule,
)


@dataclass
class DueRecord:
    record_type: str
    object_id: str
    label: str
    due_on: dt.date | None
    rule: str
    held_because: str = ""

    @property
    def status(self) -> str:
        if self.held_because:
            return "held"
        return "due" if self.due_on else "check"


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def _holds(today: dt.date) -> tuple[dict, dict]:
    """Active legal holds: {family_id: reason}, {person_id: reason}."""
    active = LegalHold.objects.filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=today), placed_on__lte=today
    )
    by_family, by_person = {}, {}
    for hold in active:
        if hold.family_id:
            by_family.setdefault(hold.family_id, hold.reason)
        if hold.person_id:
            by_person.setdefault(hold.person_id, hold.reason)
    return by_family, by_person


def _family_hold(family_id, member_ids, by_family, by_person) -> str:
    if family_id in by_family:
        return by_family[family_id]
    for person_id in member_ids:
        if person_id in by_person:
            return by_person[person_id]
    return ""


def review(today: dt.date | None = None) -> list[DueRecord]:
    today = today or dates.today()
    rules = {r.record_type: r for r in RetentionRule.objects.filter(is_active=True)}
    by_family, by_person = _holds(today)
    due: list[DueRecord] = []
    if RetentionRecordType.FAMILY in rules:
        due += _families(rules[RetentionRecordType.FAMILY], today, by_family, by_person)
    if RetentionRecordType.CONTACT in rules:
        due += _contacts(rules[RetentionRecordType.CONTACT], today, by_family, by_person)
    return sorted(due, key=lambda d: (d.status, d.due_on or dt.date.min, d.label))


def _families(rule, today, by_family, by_person) -> list[DueRecord]:
    from earlyhelp.cases.models import Episode
    from earlyhelp.people.models import Family, Membership

    if rule.basis != RetentionBasis.YOUNGEST_CHILD_AGE:
        raise ValueError(f"Unsupported basis for family records: {rule.basis}")
    cutoff = years_before(today, rule.years)
    families = (
        Family.objects.filter(Exists(Episode.objects.filter(family=OuterRef("pk"))))
        .exclude(Exists(Episode.objects.filter(family=OuterRef("pk"), status="open")))
        .annotate(
            youngest=Max(
                Coalesce(
                    "memberships__person__date_of_birth",
                    "memberships__person__expected_date_of_birth",
                ),
                filter=Q(memberships__role="child"),
            )
        )
        .filter(Q(youngest__isnull=True) | Q(youngest__lte=cutoff))
        .order_by("youngest", "name")
    )
    members: dict = {}
    for family_id, person_id in Membership.objects.filter(
        family__in=families.values("pk")
    ).values_list("family_id", "person_id"):
        members.setdefault(family_id, []).append(person_id)
    description = f"youngest child reaches {rule.years}"
    return [
        DueRecord(
            record_type=RetentionRecordType.FAMILY,
            object_id=str(family.pk),
            label=family.name,
            due_on=years_after(family.youngest, rule.years) if family.youngest else None,
            rule=description if family.youngest else "no child's date of birth: check by hand",
            held_because=_family_hold(family.pk, members.get(family.pk, []), by_family, by_person),
        )
        for family in families
    ]


def _contacts(rule, today, by_family, by_person) -> list[DueRecord]:
    from earlyhelp.cases.models import Episode
    from earlyhelp.frontdoor.models import Contact, ContactPerson

    if rule.basis != RetentionBasis.AFTER_LAST_ACTIVITY:
        raise ValueError(f"Unsupported basis for contacts: {rule.basis}")
    cutoff = dt.datetime.combine(years_before(today, rule.years), dt.time.min, dt.UTC)
    contacts = (
        Contact.objects.exclude(
            Exists(Episode.objects.filter(family=OuterRef("family"), family__isnull=False))
        )
        .annotate(last=Greatest("received_at", Coalesce("decision__decided_at", F("received_at"))))
        .filter(last__lt=cutoff)
        .order_by("last", "reference")
    )
    people: dict = {}
    for contact_id, person_id in ContactPerson.objects.filter(
        contact__in=contacts.values("pk")
    ).values_list("contact_id", "person_id"):
        people.setdefault(contact_id, []).append(person_id)
    return [
        DueRecord(
            record_type=RetentionRecordType.CONTACT,
            object_id=str(contact.pk),
            label=contact.reference,
            due_on=years_after(contact.last.date(), rule.years),
            rule=f"{rule.years} years after the last activity",
            held_because=_family_hold(
                contact.family_id, people.get(contact.pk, []), by_family, by_person
            ),
        )
        for contact in contacts
    ]
