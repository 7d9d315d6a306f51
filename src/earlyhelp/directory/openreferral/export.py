"""Export the directory in the Open Referral UK JSON shape.

The shape is the Open Referral UK service record as its API serves it (`GET /services/{id}`):
a service with its `organization`, `eligibilitys`, `cost_options`, `regular_schedules`,
`contacts` (with `phones`), `service_at_locations` (each with a `location` and its
`physical_addresses`), `service_areas`, `service_taxonomys` (each with a `taxonomy`) and
`languages`. A list export is the paged `GET /services` response (`content` plus paging fields).

What Open Referral UK has no field for travels in two documented ways (docs/decisions/
directory-open-referral-uk.md):
- needs themes and levels of need are taxonomy terms in our own vocabularies
  (`earlyhelp:need-theme`, `earlyhelp:level-of-need`), so other directories can show them;
- capacity, waiting time, cost per family, provider kind, EIF evidence rating and whether
  referrals are taken sit in one extension object, `earlyhelp`, which other consumers ignore.
"""

import uuid
from decimal import Decimal

from ..models import Location, Service
from .vocabulary import BOROUGH_URI, EXTENSION, LEVEL_VOCABULARY, LOCALITY_URI, THEME_VOCABULARY


def _date(value):
    return value.isoformat() if value else None


def _time(value):
    return value.strftime("%H:%M") if value else None


def _num(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def export_queryset(queryset=None):
    queryset = Service.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("organisation")
        .prefetch_related(
            "themes",
            "levels",
            "localities",
            "taxonomies",
            "contacts",
            "schedules",
            "cost_options",
            "at_locations__location",
        )
        .order_by("name", "id")
    )


def service_to_oruk(service: Service, *, public: bool = False) -> dict:
    """One service record. `public` leaves out the names and emails of staff contacts: the open
    feed carries no personal data at all."""
    org = service.organisation
    areas = [
        {
            "id": str(uuid.uuid5(service.id, f"area:{loc.code}")),
            "name": loc.name,
            "service_area": loc.name,
            "uri": f"{LOCALITY_URI}{loc.code}",
        }
        for loc in service.localities.all()
    ]
    if service.borough_wide:
        areas.insert(
            0,
            {
                "id": str(uuid.uuid5(service.id, "area:borough")),
                "name": "Whole borough",
                "service_area": "Whole borough",
                "uri": BOROUGH_URI,
            },
        )
    taxonomies = (
        [
            {
                "id": str(uuid.uuid5(service.id, f"theme:{t.code}")),
                "taxonomy": {"id": t.code, "name": t.name, "vocabulary": THEME_VOCABULARY},
            }
            for t in service.themes.all()
        ]
        + [
            {
                "id": str(uuid.uuid5(service.id, f"level:{lv.band}")),
                "taxonomy": {
                    "id": lv.band,
                    "name": lv.get_band_display(),
                    "vocabulary": LEVEL_VOCABULARY,
                },
            }
            for lv in service.levels.all()
        ]
        + [
            {
                "id": str(uuid.uuid5(service.id, f"tax:{t.vocabulary}:{t.term_id}")),
                "taxonomy": {
                    "id": t.term_id,
                    "name": t.name,
                    "vocabulary": t.vocabulary,
                    **({"parent": t.parent_term_id} if t.parent_term_id else {}),
                },
            }
            for t in service.taxonomies.all()
        ]
    )
    eligibility = {
        "id": str(uuid.uuid5(service.id, "eligibility")),
        "eligibility": ", ".join(service.eligibilities) or service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
    }
    return {
        "id": str(service.id),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "fees": service.fees,
        "accreditations": service.accreditations,
        "attending_type": service.attending_type,
        "attending_access": service.attending_access,
        "assured_date": _date(service.assured_date),
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "organization": {
            "id": str(org.id),
            "name": org.name,
            "description": org.get_type_display(),
        },
        "eligibilitys": [eligibility],
        "eligibility_description": service.eligibility_description,
        "cost_options": [
            {
                "id": str(c.id),
                "option": c.option,
                "amount": _num(c.amount),
                "amount_description": c.amount_description,
                "valid_from": _date(c.valid_from),
                "valid_to": _date(c.valid_to),
            }
            for c in service.cost_options.all()
        ],
        "regular_schedules": [
            {
                "id": str(s.id),
                "description": s.description,
                "freq": s.freq or None,
                "interval": s.interval,
                "byday": s.byday,
                "opens_at": _time(s.opens_at),
                "closes_at": _time(s.closes_at),
                "valid_from": _date(s.valid_from),
                "valid_to": _date(s.valid_to),
            }
            for s in service.schedules.all()
        ],
        "contacts": [
            {
                "id": str(c.id),
                "name": "" if public else c.name,
                "title": c.title,
                "email": "" if public else c.email,
                "phones": [{"id": str(uuid.uuid5(c.id, "phone")), "number": c.phone}]
                if c.phone
                else [],
            }
            for c in service.contacts.all()
        ]
        + (
            [
                {
                    "id": str(uuid.uuid5(service.id, "contact")),
                    "name": "",
                    "title": "",
                    "email": "",
                    "phones": [
                        {"id": str(uuid.uuid5(service.id, "phone")), "number": service.phone}
                    ],
                }
            ]
            if service.phone
            else []
        ),
        "service_at_locations": [
            {"id": str(sal.id), "location": _location(sal.location)}
            for sal in service.at_locations.all()
        ],
        "service_areas": areas,
        "service_taxonomys": taxonomies,
        "languages": [
            {"id": str(uuid.uuid5(service.id, f"lang:{code}")), "language": code}
            for code in service.languages
        ],
        EXTENSION: {
            "provider_kind": service.provider_kind,
            "capacity": service.capacity,
            "places_in_use": service.places_in_use,
            "declared_waiting_days": service.declared_waiting_days,
            "waiting_days": service.waiting_days,
            "cost_per_family": _num(service.cost_per_family),
            "evidence_rating": service.evidence_rating,
            "evidence_note": service.evidence_note,
            "accepts_referrals": service.accepts_referrals,
        },
    }


def _location(loc: Location) -> dict:
    return {
        "id": str(loc.id),
        "name": loc.name,
        "description": loc.description,
        "latitude": _num(loc.latitude),
        "longitude": _num(loc.longitude),
        "physical_addresses": [
            {
                "id": str(uuid.uuid5(loc.id, "address")),
                "address_1": loc.address_1,
                "city": loc.city,
                "postal_code": loc.postcode,
                "country": "GB",
            }
        ]
        if (loc.address_1 or loc.postcode)
        else [],
    }


def export_directory(queryset=None, *, public: bool = False) -> dict:
    """The paged `GET /services` shape, as one page holding every service."""
    content = [service_to_oruk(s, public=public) for s in export_queryset(queryset)]
    return {
        "total_items": len(content),
        "total_pages": 1,
        "number": 1,
        "size": len(content),
        "first_page": True,
        "last_page": True,
        "empty": not content,
        "content": content,
    }
