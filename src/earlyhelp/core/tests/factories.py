"""Factories shared by every app's tests. Build small, known worlds; never rely on demo data."""

import datetime as dt

import factory
from django.utils import timezone

from earlyhelp.assessments.models import Assessment, PresentingNeed
from earlyhelp.cases.models import Episode, TafMember
from earlyhelp.core.models import CouncilService, Locality, Organisation, Role, Team, User
from earlyhelp.frontdoor import rules as frontdoor_rules
from earlyhelp.frontdoor.models import Contact, ContactPerson
from earlyhelp.people.models import Consent, Family, Membership, Person
from earlyhelp.plans.models import Plan, PlanAction, Review
from earlyhelp.thresholds.models import Domain, Indicator, Level, NeedTheme, ThresholdModel


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Locality {n}")
    code = factory.Sequence(lambda n: f"L{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = "council"
    is_council = True


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Oak Primary School {n}")
    type = "school"
    is_council = False


class CouncilServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilService
        django_get_or_create = ("name",)

    name = "Early Help and Prevention"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Early help team {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    service = factory.SubFactory(CouncilServiceFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = "Practitioner"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.WORKER
    organisation = factory.LazyAttribute(lambda u: u.team.organisation if u.team else None)
    team = factory.SubFactory(TeamFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnerFactory(UserFactory):
    role = Role.PARTNER
    team = None
    organisation = factory.SubFactory(SchoolFactory)


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
        MembershipFactory(family=family, person=adult, role="parent_carer", start_date=dt.date(2010, 1, 1))
        if consent:
            ConsentFactory(person=adult, kind="engage")
            ConsentFactory(person=adult, kind="share")
    return family


class ThresholdModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThresholdModel

    name = factory.Sequence(lambda n: f"Model {n}")
    slug = factory.Sequence(lambda n: f"model-{n}")


def four_level_model(*, is_default: bool = False) -> ThresholdModel:
    """A small continuum: four levels, one domain, one indicator per level."""
    if is_default:  # the shipped reference data (migration thresholds 0002) has a default model
        ThresholdModel.objects.filter(is_default=True).update(is_default=False)
    model = ThresholdModelFactory(is_default=is_default)
    domain = Domain.objects.create(model=model, name="Child's developmental needs", order=1)
    bands = ["universal", "early_help", "targeted", "statutory"]
    for rank, band in enumerate(bands, start=1):
        level = Level.objects.create(model=model, rank=rank, name=f"Level {rank}", band=band)
        Indicator.objects.create(domain=domain, level=level, text=f"Indicator at level {rank}")
    return model


class NeedThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedTheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    cin_factor_codes = ["3A", "3B", "3C"]


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


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    reference = factory.Sequence(lambda n: f"EH{n:06d}")
    family = factory.SubFactory(FamilyFactory)
    start_date = dt.date(2026, 1, 10)
    team = factory.SubFactory(TeamFactory)


class TafMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TafMember

    episode = factory.SubFactory(EpisodeFactory)
    name = "Taf Member"
    joined_on = dt.date(2026, 1, 12)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    started_on = dt.date(2026, 1, 12)
    completing_organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        """The children covered: as given, else (like the service) the household's children on
        the start date."""
        if not create:
            return
        if extracted is None:
            from earlyhelp.assessments.rules import household_children

            extracted = household_children(self.episode.family, self.started_on)
        self.children.set(extracted)


class PresentingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresentingNeed

    assessment = factory.SubFactory(AssessmentFactory)
    theme = factory.SubFactory(NeedThemeFactory)
    baseline_score = 3


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    episode = factory.SubFactory(EpisodeFactory)
    started_on = dt.date(2026, 2, 1)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    plan = factory.SubFactory(PlanFactory)
    description = "Attend the parenting programme"
    owner_name = "Parent"
    due_date = dt.date(2026, 3, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    episode = factory.SubFactory(EpisodeFactory)
    held_on = dt.date(2026, 3, 15)
    attendees = "Parent\nKey worker"
