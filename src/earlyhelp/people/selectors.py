"""Reads of people and households, always scoped to the user."""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from earlyhelp.access.scoping import (
    get_visible_or_404,
    scope_key,
    visible_families,
    visible_people,
)
from earlyhelp.core import audit, audited_read
from earlyhelp.core.filtering import filtered
from earlyhelp.core.prepared import (
    Prepared,
    fields_of,
    hang,
    instance,
    instances,
    related_fields,
    scoped_row_or_404,
)

from .filters import FamilyFilter, PersonFilter
from .identifiers import normalise_nhs_number
from .models import Consent, Family, Membership, Person


def family_list(*, user, filters=None) -> QuerySet[Family]:
    """Households in scope, narrowed by FamilyFilter (postcode start, part of the name)."""
    families = visible_families(user).select_related("locality")
    return filtered(FamilyFilter, filters, families).order_by("name", "id")


@dataclass(frozen=True)
class Joined:
    """Columns of another app's records read with a household's own row (family_detail's
    `joined`): `join(families)` adds to the scoped families queryset what `columns` name."""

    name: str
    join: Callable[[QuerySet], QuerySet]
    columns: tuple


def family_detail(*, user, family_id, for_page: bool = False, joined: Joined | None = None
                  ) -> Family:  # fmt: skip
    """One household with its members, audited as a view. `for_page`: each membership also
    carries what the family record shows beside it, read in the same query – the latest
    consent to engage and to share (status and date) and whether the person is a current
    member of another household – and `joined`'s columns are read in the family's own query
    (no query, no round trip, of their own), left on `family.joined` as a values() row."""
    if for_page:
        # As values, the scope's SQL run prepared on PostgreSQL (core.prepared), its view row
        # written by the same statement there (core.audited_read)
        wrap = audited_read.view_row_wrap(Family, user=user, family_column="id")

        def build():
            families = visible_families(user)
            if joined is not None:
                families = joined.join(families)
            return families.values(*_family_columns(), *(joined.columns if joined else ()))

        row = scoped_row_or_404(
            Family,
            build,
            family_id,
            key=("family_page", joined.name if joined else "", scope_key(user)),
            wrap=wrap,
        )
        (family,) = instances(Family, [row], ("locality",))
        family.joined = row
        _hang_members(family)
        if wrap is not None:
            return family
    else:
        families = visible_families(user).select_related("locality")
        memberships = Membership.objects.select_related("person").order_by("role", "start_date")
        family = get_visible_or_404(
            families.prefetch_related(Prefetch("memberships", queryset=memberships)),
            pk=family_id,
        )
    audit.record_view(user=user, obj=family, family_id=family.id)
    return family


@functools.cache
def _family_columns() -> tuple:
    return (*fields_of(Family), *related_fields(Family, ("locality",)))


_BESIDE = ("engage_status", "engage_on", "share_status", "share_on", "other_household")
# What the family record shows of each membership and person (and the timeline's names): the
# rest stays deferred – reading and converting every column (who made each row and when, the
# person's identifiers and notes) cost more than the query's own work (issue 19).
_MEMBERSHIP_SHOWN = ("id", "family_id", "person_id", "role", "relationship", "start_date",
                     "end_date")
_PERSON_SHOWN = ("id", "given_name", "family_name", "known_as", "date_of_birth",
                 "expected_date_of_birth")

# The family record's members with what it shows beside each, compiled once (core.prepared):
# building and compiling its five subqueries cost more than running them.
_MEMBERS = Prepared(
    lambda family: Membership.objects.filter(family_id=family)
    .annotate(**_beside_each_member())
    .order_by("role", "start_date")
    .values(*_MEMBERSHIP_SHOWN, *(f"person__{name}" for name in _PERSON_SHOWN), *_BESIDE),
    "family",
    model=Membership,
)


def _hang_members(family) -> None:
    """The household's memberships (each with its person and _BESIDE) as if prefetched:
    `family.memberships.all()` reads them without a query."""
    members = []
    for row in _MEMBERS.rows(family=family.pk):
        membership = instance(Membership, row, fields=_MEMBERSHIP_SHOWN)
        membership._state.fields_cache["person"] = instance(Person, row, "person__",
                                                            fields=_PERSON_SHOWN)
        membership._state.fields_cache["family"] = family
        for name in _BESIDE:
            setattr(membership, name, row[name])
        members.append(membership)
    hang(family, "memberships", Membership, members)


# What the API's family detail shows (people.api.FamilyDetailOutput), as columns
FAMILY_API_FIELDS = ("id", "name", "address_line_1", "address_line_2", "town", "postcode", "uprn",
                     "locality_id", "version")
PERSON_API_FIELDS = ("id", "given_name", "family_name", "other_names", "known_as",
                     "date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "disabilities",
                     "nhs_number", "upn", "local_id", "sensitive_notes", "version")
MEMBER_API_FIELDS = ("id", "role", "relationship", "start_date", "end_date",
                     *(f"person__{name}" for name in PERSON_API_FIELDS))


# Compiled once (core.prepared), as the family record's members are.
_API_MEMBERS = Prepared(
    lambda family: Membership.objects.filter(family_id=family).order_by("role", "start_date")
    .values(*MEMBER_API_FIELDS),
    "family",
    model=Membership,
)


def family_for_api(*, user, family_id) -> tuple[dict, list[dict]]:
    """One household in scope as rows for the API's family detail: the family's columns, and
    its memberships with their people's, in the order family_detail gives. Plain rows, not
    model instances: the API writes them out as they are (people.api.family_body) – building
    instances and a serializer's fields per member cost more than the queries (issue 19).
    Audited as a view, like family_detail – on PostgreSQL by the read's own statement
    (core.audited_read: no round trip of its own)."""
    wrap = audited_read.view_row_wrap(Family, user=user, family_column="id")
    family = scoped_row_or_404(
        Family,
        lambda: visible_families(user).values(*FAMILY_API_FIELDS),
        family_id,
        key=("family_api", scope_key(user)),
        wrap=wrap,
    )
    members = _API_MEMBERS.rows(family=family["id"])
    if wrap is None:
        audit.record_view(user=user, model=Family, object_id=family["id"],
                          family_id=family["id"])
    return family, members


def _beside_each_member() -> dict:
    """Correlated subqueries per membership (index probes: consent_latest_idx, and the
    memberships' person index), instead of one query each for consent and other households."""
    from .models import ConsentKind

    def latest(kind, field):
        decisions = Consent.objects.filter(person_id=OuterRef("person_id"), kind=kind)
        return Subquery(decisions.order_by("-recorded_at", "-id").values(field)[:1])

    elsewhere = Membership.objects.filter(
        person_id=OuterRef("person_id"), end_date__isnull=True
    ).exclude(family_id=OuterRef("family_id"))
    return {
        "engage_status": latest(ConsentKind.ENGAGE, "status"),
        "engage_on": latest(ConsentKind.ENGAGE, "decided_on"),
        "share_status": latest(ConsentKind.SHARE, "status"),
        "share_on": latest(ConsentKind.SHARE, "decided_on"),
        "other_household": Exists(elsewhere),
    }


def person_list(*, user, filters=None) -> QuerySet[Person]:
    """People in scope, narrowed by PersonFilter (a value it cannot read: ValidationError)."""
    return filtered(PersonFilter, filters, visible_people(user)).order_by(
        "family_name", "given_name", "id"
    )


def person_detail(*, user, person_id) -> Person:
    person = get_visible_or_404(visible_people(user), pk=person_id)
    audit.record_view(user=user, obj=person, person_id=person.id)
    return person


def person_search(
    *, people: QuerySet[Person], name: str = "", date_of_birth=None, nhs_number: str = "",
    upn: str = "", postcode: str = "", **_ignored,
) -> QuerySet[Person]:
    """Find existing people before creating new ones (avoid duplicates).

    Name matches given or family name (each word must match one of them)."""
    if nhs_number:
        people = people.filter(nhs_number=normalise_nhs_number(nhs_number))
    if upn:
        people = people.filter(upn=upn.strip().upper())
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    for word in re.split(r"\s+", (name or "").strip()):
        if word:
            people = people.filter(
                Q(given_name__istartswith=word) | Q(family_name__istartswith=word)
                | Q(known_as__istartswith=word)
            )
    if postcode:
        compact = " ".join(postcode.upper().split())
        people = people.filter(
            memberships__family__postcode__istartswith=compact
        ).distinct()
    return people.order_by("family_name", "given_name", "id")


def consent_history(*, user, person_id) -> QuerySet[Consent]:
    person = get_visible_or_404(visible_people(user), pk=person_id)
    return Consent.objects.filter(person=person).select_related("recorded_by").order_by(
        "recorded_at", "id"
    )


def person_match_for_referral(
    *, user, name: str = "", date_of_birth=None, nhs_number: str = "", upn: str = "",
    postcode: str = "", limit: int = 10,
) -> list[dict]:
    """Find whether the people a request is about are already known – for anyone raising one.

    A partner cannot see families they don't work with, yet must not create duplicates. So this
    search looks across everyone but demands identifying detail (an NHS number, a UPN, or a name
    with a date of birth) and returns only enough to recognise the person: name, date of birth,
    and the first half of the postcode. Ids (the person's, their household's) come back only for
    records the caller can already see; anyone else is named by a match token that lets the
    request join their record without the caller learning which (decision 0004). Every search
    is audited."""
    from earlyhelp.access.matches import match_token

    if not (nhs_number or upn or (name.strip() and date_of_birth)):
        return []
    criteria = {"name": name, "date_of_birth": str(date_of_birth or ""),
                "nhs_number": nhs_number, "upn": upn, "postcode": postcode}
    people = list(person_search(
        people=Person.objects.all(), name=name, date_of_birth=date_of_birth,
        nhs_number=nhs_number, upn=upn, postcode=postcode,
    ).prefetch_related("memberships__family")[:limit])
    seen_people = set(
        visible_people(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    seen_families = set(visible_families(user).filter(
        memberships__person__in=[p.pk for p in people]
    ).values_list("pk", flat=True))
    results = []
    for person in people:
        families = [m.family for m in person.memberships.all() if m.end_date is None]
        known = person.pk in seen_people
        results.append(
            {
                "id": person.id if known else None,
                "name": person.full_name,
                "date_of_birth": person.date_of_birth,
                "postcode_district": families[0].postcode.split(" ")[0] if families else "",
                "family_ids": [f.id for f in families if f.id in seen_families],
                "known_to_you": known,
                "note": "" if known else (
                    "A possible match exists: the request will join their record, and the "
                    "front door will check it is the same person."
                ),
                "match": match_token(user=user, criteria=criteria, person_id=person.pk),
                # For the server's own use (the page keeps them in the session), never sent:
                "person_pk": person.pk,
                "family_id": families[0].id if families else None,
            }
        )
    audit.record(
        user=user, action="search", object_type="people.person",
        detail=f"referral match: {len(results)} found",
        changes={"name": name, "date_of_birth": str(date_of_birth or ""),
                 "nhs_number": bool(nhs_number), "upn": bool(upn), "postcode": postcode},
    )
    return results
