"""Sending a request for support built over several pages: everything new and the contact in one
piece of work, each write audited – or, refused, nothing at all."""

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.access.policy import NotAllowed
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Family, Membership, Person

pytestmark = pytest.mark.django_db

DETAILS = {
    "source": "2A",
    "referrer_name": "Jo Lead",
    "concerns": "Worried about Bea.",
    "family_consents_to_request": "yes",
    "family_consents_to_share": "yes",
    "needs": [],
}
BEA = {
    "given_name": "Bea",
    "family_name": "Rowe",
    "date_of_birth": "2020-02-01",
    "sex": "F",
    "nhs_number": "9434765919",
    "role": "child",
    "relationship": "",
    "is_subject": True,
}
HOUSEHOLD = {"name": "Rowe household", "address_line_1": "2 Park Road", "postcode": "EN5 1AA"}


def _counts():
    return (
        Family.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        Contact.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
    )


def test_a_new_household_its_child_and_the_contact_are_created_and_audited(world):
    contact = services.request_submit(
        acting_user=world.partner, details=DETAILS, new_people=[BEA], household=HOUSEHOLD
    )
    bea = Person.objects.get(given_name="Bea")
    assert contact.family.name == "Rowe household"
    assert list(contact.family.memberships.values_list("person", flat=True)) == [bea.pk]
    assert [(cp.person, cp.is_subject) for cp in contact.contact_people.all()] == [(bea, True)]
    assert contact.referrer_organisation == world.partner.organisation
    created = set(
        AuditEvent.objects.filter(user=world.partner, action="create").values_list(
            "object_type", "object_id"
        )
    )
    for obj in (contact.family, bea, bea.memberships.get(), contact):
        assert (obj._meta.label_lower, str(obj.pk)) in created


def test_found_people_join_the_request_with_their_household(world):
    child, parent = world.child, world.parent
    people = [{"id": str(child.pk), "subject": True}, {"id": str(parent.pk), "subject": False}]
    contact = services.request_submit(
        acting_user=world.partner, details=DETAILS, people=people, family_id=world.family.pk
    )
    assert contact.family == world.family
    subjects = {cp.person_id: cp.is_subject for cp in contact.contact_people.all()}
    assert subjects == {child.pk: True, parent.pk: False}


def test_someone_who_may_not_raise_a_request_is_refused_before_anything_is_written(world):
    before = _counts()
    with pytest.raises(NotAllowed, match="You cannot raise a request for support"):
        services.request_submit(
            acting_user=world.analyst, details=DETAILS, new_people=[BEA], household=HOUSEHOLD
        )
    assert _counts() == before


def test_a_refusal_at_the_last_step_leaves_no_household_behind(world):
    # The household is created first; the contact then refuses (nobody is named): all rolled back.
    before = _counts()
    with pytest.raises(ValidationError) as error:
        services.request_submit(acting_user=world.partner, details=DETAILS, household=HOUSEHOLD)
    assert "people" in error.value.message_dict
    assert _counts() == before


NEW_CHILD = {**BEA, "given_name": "Bilal", "nhs_number": "", "date_of_birth": "2022-09-02",
             "relationship": "son"}


def _partner_names_a_new_child(world):
    people = [{"id": str(world.child.pk), "subject": True}]
    return services.request_submit(acting_user=world.partner, details=DETAILS, people=people,
                                   new_people=[NEW_CHILD], family_id=world.family.pk)


def test_a_referrer_who_may_not_change_the_household_sends_a_new_child_for_the_front_door(world):
    # A school names a child new to a household it cannot see (decision 0004): the child is on
    # the request and waits for the front door; the household is not changed by the school.
    members = set(world.family.memberships.values_list("person", flat=True))
    contact = _partner_names_a_new_child(world)
    bilal = Person.objects.get(given_name="Bilal")
    assert set(world.family.memberships.values_list("person", flat=True)) == members
    joining = contact.contact_people.get(person=bilal)
    assert (joining.joins_household, joining.joins_as, joining.joins_relationship) == (
        True, "child", "son")
    assert not contact.contact_people.get(person=world.child).joins_household

    # The front door's decision places him, as its own audited write, before the episode opens.
    from earlyhelp.frontdoor.tests.test_services import triage

    decision = triage(world, contact)
    membership = world.family.memberships.get(person=bilal)
    assert (membership.role, membership.relationship, membership.start_date) == (
        "child", "son", bilal.date_of_birth)
    assert AuditEvent.objects.filter(user=world.front_door, action="create",
                                     object_id=str(membership.pk)).exists()
    assert bilal in decision.episode.focus_children.all()
    joining.refresh_from_db()
    assert not joining.joins_household


def test_someone_placed_before_the_decision_is_not_placed_twice(world):
    from earlyhelp.frontdoor.tests.test_services import triage
    from earlyhelp.people import services as people_services

    contact = _partner_names_a_new_child(world)
    bilal = Person.objects.get(given_name="Bilal")
    people_services.membership_add(family=world.family, person=bilal, role="child",
                                   start_date=bilal.date_of_birth, acting_user=world.front_door)
    triage(world, contact)
    assert world.family.memberships.filter(person=bilal).count() == 1


def test_someone_who_may_change_the_household_adds_the_new_child_at_once(world):
    people = [{"id": str(world.child.pk), "subject": True}]
    contact = services.request_submit(acting_user=world.front_door, details=DETAILS,
                                      people=people, new_people=[NEW_CHILD],
                                      family_id=world.family.pk)
    bilal = Person.objects.get(given_name="Bilal")
    assert world.family.memberships.filter(person=bilal).exists()
    assert not contact.contact_people.get(person=bilal).joins_household


def test_a_known_person_outside_the_household_is_still_refused(world):
    # Only someone new, created with the request, may wait to join: naming another household's
    # member is refused as before, and nothing is written.
    from earlyhelp.people.tests.factories import family_with_members

    other = family_with_members(children=1, adults=0).memberships.get().person
    people = [{"id": str(world.child.pk), "subject": True}, {"id": str(other.pk), "subject": True}]
    before = _counts()
    with pytest.raises(ValidationError, match="Not members of"):
        services.request_submit(acting_user=world.partner, details=DETAILS, people=people,
                                new_people=[NEW_CHILD], family_id=world.family.pk)
    assert _counts() == before
