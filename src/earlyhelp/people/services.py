"""Writes for people, households, memberships, consent and safeguarding overrides."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import dates
from earlyhelp.core import services as base
from earlyhelp.core.errors import IllegalMove

from .identifiers import normalise_nhs_number
from .models import Consent, Family, Membership, Person, SharingOverride

PERSON_FIELDS = [
    "given_name", "family_name", "other_names", "known_as", "date_of_birth",
    "expected_date_of_birth", "sex", "ethnicity", "disabilities", "nhs_number", "upn",
    "local_id", "sensitive_notes",
]
FAMILY_FIELDS = ["name", "address_line_1", "address_line_2", "town", "postcode", "uprn", "locality"]


def _clean_identifiers(values: dict) -> dict:
    values = dict(values)
    if values.get("nhs_number"):
        values["nhs_number"] = normalise_nhs_number(values["nhs_number"])
    if values.get("upn"):
        values["upn"] = values["upn"].strip().upper()
    if values.get("postcode"):
        values["postcode"] = " ".join(values["postcode"].upper().split())
    return values


@transaction.atomic
def person_create(*, acting_user, family: Family | None = None, **values) -> Person:
    policy.require(acting_user, policy.Action.CREATE_HOUSEHOLD, family)
    person = person_build(**values)
    return base.create(
        person, acting_user=acting_user, person_id=person.id, family_id=family.id if family else None
    )


def person_build(**values) -> Person:
    """An unsaved person from the given fields, after the checks `person_create` makes before
    validating the model (bulk writers, e.g. the history import, call this per row)."""
    values = _clean_identifiers(values)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field" for name in unknown})
    if values.get("date_of_birth") and values.get("expected_date_of_birth"):
        raise ValidationError(
            {"expected_date_of_birth": "Give a date of birth or an expected date of birth, not both"}
        )
    return Person(**values)


@transaction.atomic
def person_update(*, person: Person, acting_user, expected_version: int | None = None, **values):
    policy.require(acting_user, policy.Action.EDIT_PERSON, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    base.check_version(person, expected_version, "person's record")
    values = _clean_identifiers(values)
    before = base.audit.snapshot(person, [k for k in values if k in PERSON_FIELDS])
    for name, value in values.items():
        if name not in PERSON_FIELDS:
            raise ValidationError({name: "Unknown field"})
        setattr(person, name, value)
    return base.update(person, acting_user=acting_user, before=before, person_id=person.id)


@transaction.atomic
def family_create(*, acting_user, **values) -> Family:
    policy.require(acting_user, policy.Action.CREATE_HOUSEHOLD, None)
    family = family_build(**values)
    return base.create(family, acting_user=acting_user, family_id=family.id)


def family_build(**values) -> Family:
    """An unsaved household from the given fields, identifiers tidied as `family_create` does."""
    return Family(**_clean_identifiers(values))


@transaction.atomic
def family_update(*, family: Family, acting_user, expected_version: int | None = None, **values):
    policy.require(acting_user, policy.Action.CHANGE_HOUSEHOLD, family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    base.check_version(family, expected_version, "household's record")
    values = _clean_identifiers(values)
    before = base.audit.snapshot(family, [k for k in values if k in FAMILY_FIELDS])
    for name, value in values.items():
        if name not in FAMILY_FIELDS:
            raise ValidationError({name: "Unknown field"})
        setattr(family, name, value)
    return base.update(family, acting_user=acting_user, before=before, family_id=family.id)


@transaction.atomic
def membership_add(
    *, family: Family, person: Person, role: str, start_date: dt.date, acting_user,
    relationship: str = "",
) -> Membership:
    policy.require(acting_user, policy.Action.CHANGE_HOUSEHOLD, family)
    current = Membership.objects.filter(family=family, person=person, end_date__isnull=True)
    if current.exists():
        raise IllegalMove(f"{person.full_name} is already a member of {family.name}.")
    membership = Membership(
        family=family, person=person, role=role, start_date=start_date, relationship=relationship
    )
    return base.create(membership, acting_user=acting_user, family_id=family.id, person_id=person.id)


@transaction.atomic
def membership_end(*, membership: Membership, end_date: dt.date, acting_user) -> Membership:
    policy.require(acting_user, policy.Action.CHANGE_HOUSEHOLD, membership.family)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.end_date is not None:
        raise IllegalMove("This person has already left the household.")
    if end_date < membership.start_date:
        raise ValidationError({"end_date": "The leaving date must be on or after the joining date"})
    before = base.audit.snapshot(membership, ["end_date"])
    membership.end_date = end_date
    return base.update(
        membership, acting_user=acting_user, before=before,
        family_id=membership.family_id, person_id=membership.person_id,
    )


@transaction.atomic
def consent_record(
    *, person: Person, kind: str, status: str, decided_on: dt.date, acting_user,
    scope: str = "", given_by: str = "",
) -> Consent:
    """Add a consent decision. Earlier decisions stay as they were: history is never rewritten."""
    policy.require(acting_user, policy.Action.RECORD_CONSENT, person)
    dates.check_event_date(decided_on, field="decided_on", what="decision")
    consent = Consent(
        person=person, kind=kind, status=status, decided_on=decided_on, scope=scope,
        given_by=given_by, recorded_by=acting_user,
    )
    consent.full_clean()
    consent.save()
    base.audit.record(
        user=acting_user, action="change", obj=consent, person_id=person.id,
        changes={"kind": kind, "status": status, "decided_on": str(decided_on), "scope": scope},
    )
    return consent


@transaction.atomic
def consent_given_with_request(
    *, person: Person, kind: str, status: str, decided_on: dt.date, acting_user,
    scope: str = "", given_by: str = "", request_reference: str = "",
) -> Consent:
    """The consent a request for support recorded, made the person's own consent record.

    Whoever may raise a request may record the consent the family gave for it (a school's
    safeguarding lead asks the parent before referring); later changes go through
    consent_record by the front door, early help staff or the lead practitioner."""
    policy.require(acting_user, policy.Action.RAISE_REQUEST, None)
    dates.check_event_date(decided_on, field="consent_given_on", what="consent")
    consent = Consent(
        person=person, kind=kind, status=status, decided_on=decided_on, scope=scope,
        given_by=given_by, recorded_by=acting_user,
    )
    consent.full_clean()
    consent.save()
    base.audit.record(
        user=acting_user, action="create", obj=consent, person_id=person.id,
        changes={"kind": kind, "status": status, "decided_on": str(decided_on), "scope": scope,
                 "given_by": given_by},
        reason=f"given with request for support {request_reference}".strip(),
    )
    return consent


@transaction.atomic
def sharing_override_record(*, family: Family, reason: str, acting_user, ends_on=None):
    """Share without consent for safeguarding – always with who, why and when."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why information is being shared without consent"})
    override = SharingOverride(family=family, reason=reason, recorded_by=acting_user, ends_on=ends_on)
    override.full_clean()
    override.save()
    base.audit.record(
        user=acting_user, action="share", obj=override, family_id=family.id, reason=reason,
        detail="safeguarding override of consent to share",
    )
    return override
