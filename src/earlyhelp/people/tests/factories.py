"""Factories for people, households, memberships and consent."""

import datetime as dt

import factory

from earlyhelp.people.models import Consent, Family, Membership, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = "Taylor"
    date_of_birth = dt.date(2015, 5, 4)
    sex = "F"
    ethnicity = "WBRI"


class AdultFactory(PersonFactory):
    given_name = factory.Sequence(lambda n: f"Sam{n}")
    date_of_birth = dt.date(1988, 2, 1)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Taylor household {n}")
    address_line_1 = "1 High Street"
    town = "Barnet"
    postcode = "EN5 1AA"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)
    role = "child"
    start_date = dt.date(2015, 5, 4)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    kind = "share"
    status = "given"
    decided_on = dt.date(2026, 1, 5)


def family_with_members(*, children: int = 1, adults: int = 1, consent: bool = True) -> Family:
    """A household with current members and (optionally) consent to engage and share."""
    family = FamilyFactory()
    for _ in range(children):
        child = PersonFactory(family_name=family.name.split()[0])
        MembershipFactory(family=family, person=child, role="child")
        if consent:
            ConsentFactory(person=child, kind="engage")
            ConsentFactory(person=child, kind="share")
    for _ in range(adults):
        adult = AdultFactory(family_name=family.name.split()[0])
        MembershipFactory(
            family=family, person=adult, role="parent_carer", start_date=dt.date(2010, 1, 1)
        )
        if consent:
            ConsentFactory(person=adult, kind="engage")
            ConsentFactory(person=adult, kind="share")
    return family
