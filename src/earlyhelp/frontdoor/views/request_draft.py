"""Page journeys that span several services and must save all or nothing.

A request for support built over several pages is kept in the session as plain data and only
written when the person submits it: new people, a new household, memberships and the contact are
created together in one transaction, through the services."""

import datetime as dt

from django.db import transaction

from earlyhelp.core import dates
from earlyhelp.core.models import OrganisationType, Role
from earlyhelp.frontdoor import services as frontdoor
from earlyhelp.people import services as people
from earlyhelp.people.models import Family, Person
from earlyhelp.thresholds.models import NeedTheme

SESSION_KEY = "request_draft"

# The CIN referral source most likely for the person raising the request (they can change it).
SOURCE_FOR_ORGANISATION = {
    OrganisationType.SCHOOL: "2A",
    OrganisationType.EARLY_YEARS: "8",
    OrganisationType.HEALTH: "3F",
    OrganisationType.HEALTH_VISITING: "3B",
    OrganisationType.POLICE: "6",
    OrganisationType.HOUSING: "4",
    OrganisationType.COUNCIL_TEAM: "5B",
    OrganisationType.CHILDRENS_CENTRE: "8",
    OrganisationType.VOLUNTARY: "8",
    OrganisationType.SOCIAL_CARE: "5A",
    OrganisationType.OTHER_LA: "5C",
}


def empty_draft() -> dict:
    return {
        "family_id": None,
        "people": [],
        "new_people": [],
        "household": None,
        "details": None,
        "last_matches": [],
    }


def get_draft(request) -> dict:
    draft = request.session.get(SESSION_KEY)
    return draft if draft else empty_draft()


def save_draft(request, draft: dict) -> None:
    request.session[SESSION_KEY] = draft
    request.session.modified = True


def clear_draft(request) -> None:
    request.session.pop(SESSION_KEY, None)


def default_source(user) -> str:
    if user.role in (Role.WORKER, Role.MANAGER):
        return "5D"
    org = user.organisation
    return SOURCE_FOR_ORGANISATION.get(org.type, "") if org else ""


def _date(value):
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def submit_request(*, draft: dict, acting_user):
    """Create whatever is new and the contact, or nothing at all."""
    details = draft["details"]
    family = None
    if draft.get("family_id"):
        family = Family.objects.get(pk=draft["family_id"])
    elif draft.get("household"):
        family = people.family_create(acting_user=acting_user, **draft["household"])
    existing = {
        str(p.pk): p for p in Person.objects.filter(pk__in=[e["id"] for e in draft["people"]])
    }
    chosen = [existing[e["id"]] for e in draft["people"] if e["id"] in existing]
    subject_ids = {
        existing[e["id"]].pk for e in draft["people"] if e["subject"] and e["id"] in existing
    }
    for new in draft["new_people"]:
        values = {
            key: new[key]
            for key in ("given_name", "family_name", "sex", "nhs_number", "upn")
            if new.get(key) not in (None, "")
        }
        values["date_of_birth"] = _date(new.get("date_of_birth"))
        values["expected_date_of_birth"] = _date(new.get("expected_date_of_birth"))
        person = people.person_create(acting_user=acting_user, family=family, **values)
        if family is not None:
            people.membership_add(
                family=family,
                person=person,
                role=new["role"],
                relationship=new.get("relationship", ""),
                start_date=min(person.date_of_birth or dates.today(), dates.today()),
                acting_user=acting_user,
            )
        chosen.append(person)
        if new.get("is_subject"):
            subject_ids.add(person.pk)
    needs = list(NeedTheme.objects.filter(pk__in=details.get("needs", [])))
    return frontdoor.contact_create(
        acting_user=acting_user,
        family=family,
        people=chosen,
        subject_ids=subject_ids,
        source=details["source"],
        priority=details.get("priority", ""),
        referrer_name=details["referrer_name"],
        referrer_role=details.get("referrer_role", ""),
        referrer_email=details.get("referrer_email", ""),
        referrer_phone=details.get("referrer_phone", ""),
        referrer_organisation=acting_user.organisation,
        concerns=details["concerns"],
        needs=needs,
        family_consents_to_request=details["family_consents_to_request"],
        family_consents_to_share=details["family_consents_to_share"],
    )
