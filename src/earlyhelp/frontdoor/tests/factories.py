"""Factories for requests for support (contacts)."""

import factory
from django.utils import timezone

from earlyhelp.frontdoor import rules as frontdoor_rules
from earlyhelp.frontdoor.models import Contact, ContactPerson
from earlyhelp.people.tests.factories import FamilyFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    reference = factory.Sequence(lambda n: f"C{n:06d}")
    received_at = factory.LazyFunction(timezone.now)
    priority = ""
    decision_due_at = factory.LazyAttribute(
        lambda c: frontdoor_rules.decision_due(c.received_at, c.priority)
    )
    source = "2A"
    referrer_name = "Jo Lead"
    family = factory.SubFactory(FamilyFactory)
    concerns = "Attendance has dropped and the children seem withdrawn."
    family_consents_to_request = "yes"
    family_consents_to_share = "yes"


def add_contact_people(contact: Contact) -> Contact:
    for membership in contact.family.memberships.all():
        ContactPerson.objects.create(
            contact=contact, person=membership.person, is_subject=membership.role == "child"
        )
    return contact
