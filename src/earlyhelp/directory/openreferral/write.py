"""Write one validated service record: the service through the directory's services, its child
rows replaced wholesale.
"""

from earlyhelp.core.models import Organisation, OrganisationType

from .. import services as directory_services
from ..models import (
    CostOption,
    Location,
    ProviderKind,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceContact,
    Taxonomy,
)


def write_service(plan: dict, acting_user) -> bool:
    from earlyhelp.core import services as base

    organisation = plan["organisation"]
    if organisation is None:
        new = plan["new_organisation"]
        organisation = Organisation(
            id=new["id"], name=new["name"], type=OrganisationType.VOLUNTARY, is_council=False
        )
        base.create(
            organisation, acting_user=acting_user, reason="Created by an Open Referral UK import"
        )
    provider_kind = plan["provider_kind"] or (
        ProviderKind.COUNCIL
        if organisation.is_council
        else ProviderKind.VOLUNTARY
        if organisation.type == OrganisationType.VOLUNTARY
        else ProviderKind.PARTNER
    )
    values = dict(plan["values"], organisation=organisation, provider_kind=provider_kind)
    relations = {"themes": plan["themes"], "localities": plan["localities"], "bands": plan["bands"]}
    service = Service.objects.filter(pk=plan["id"]).first()
    if service is None:
        service = directory_services.service_create(
            acting_user=acting_user, id=plan["id"], **relations, **values
        )
        created = True
    else:
        service = directory_services.service_update(
            service=service, acting_user=acting_user, **relations, **values
        )
        created = False
    taxonomies = []
    for t in plan["taxonomies"]:
        term, _ = Taxonomy.objects.update_or_create(
            vocabulary=t["vocabulary"],
            term_id=t["term_id"],
            defaults={"name": t["name"], "parent_term_id": t["parent_term_id"]},
        )
        taxonomies.append(term)
    service.taxonomies.set(taxonomies)
    # Child rows are replaced wholesale: the file is the truth for this service.
    service.cost_options.all().delete()
    CostOption.objects.bulk_create(CostOption(service=service, **c) for c in plan["cost_options"])
    service.schedules.all().delete()
    Schedule.objects.bulk_create(Schedule(service=service, **s) for s in plan["schedules"])
    service.contacts.all().delete()
    ServiceContact.objects.bulk_create(
        ServiceContact(service=service, **c) for c in plan["contacts"]
    )
    service.at_locations.all().delete()
    for loc in plan["locations"]:
        sal_id = loc.pop("sal_id")
        location, _ = Location.objects.update_or_create(
            id=loc.pop("id"),
            defaults=loc,
        )
        ServiceAtLocation.objects.create(id=sal_id, service=service, location=location)
    return created
