"""Factories for the directory's models."""

import factory

from earlyhelp.core.tests.factories import OrganisationFactory

from ..models import ProviderKind, Service, ServiceLevel


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Support for families."
    organisation = factory.SubFactory(OrganisationFactory, type="voluntary", is_council=False)
    provider_kind = ProviderKind.VOLUNTARY
    fees = "Free"

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)

    @factory.post_generation
    def unsafe_with(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.unsafe_with.set(extracted)

    @factory.post_generation
    def bands(obj, create, extracted, **kwargs):
        if create and extracted:
            ServiceLevel.objects.bulk_create(ServiceLevel(service=obj, band=b) for b in extracted)

    @factory.post_generation
    def localities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.localities.set(extracted)
