"""Naming a person found by a referral search without being told their record's id.

`POST /api/contacts/match-people/` (and the request page) searches everyone for a person the
caller names with identifying detail (decision 0004). For a person outside the caller's scope it
returns no id – only a match token. The token is signed, names the user it was given to, and
holds only what the caller typed plus a keyed hash of the person's id: the server finds the
person again by repeating the search, so the token itself reveals nothing."""

from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "earlyhelp.access.referral-match"
MAX_AGE = 24 * 60 * 60  # a request is raised the same day it is searched for


class MatchRefused(Exception):
    """A token that is forged, expired, someone else's, or no longer finds its person."""


def _person_key(person_id) -> str:
    return salted_hmac(SALT, str(person_id)).hexdigest()[:32]


def match_token(*, user, criteria: dict, person_id) -> str:
    return signing.dumps(
        {"u": str(user.pk), "q": criteria, "p": _person_key(person_id)}, salt=SALT, compress=True
    )


def resolve_match(*, user, token: str):
    """The person a token names, searched again with the same criteria."""
    from earlyhelp.people.models import Person
    from earlyhelp.people.selectors import person_search

    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:  # also SignatureExpired
        raise MatchRefused from exc
    if not isinstance(data, dict) or data.get("u") != str(user.pk):
        raise MatchRefused
    criteria = data.get("q") or {}
    people = person_search(people=Person.objects.all(), **criteria)[:50]
    for person in people:
        if _person_key(person.pk) == data.get("p"):
            return person
    raise MatchRefused
