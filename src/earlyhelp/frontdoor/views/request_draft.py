"""The draft of a request for support, built over several pages.

It is kept in the session as plain data and only written when the person sends it: then
`frontdoor.services.request_submit` creates the new people, a new household, memberships and the
contact together, or nothing."""

from earlyhelp.access.roles import EARLY_HELP_STAFF
from earlyhelp.core.models import OrganisationType

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
    if user.role in EARLY_HELP_STAFF:  # the council's own early help service
        return "5D"
    org = user.organisation
    return SOURCE_FOR_ORGANISATION.get(org.type, "") if org else ""

