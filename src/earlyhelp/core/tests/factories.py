"""Factories for core's models: organisations, teams, users, localities, council services."""

import factory

from earlyhelp.core.models import CouncilService, Locality, Organisation, Role, Team, User


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
