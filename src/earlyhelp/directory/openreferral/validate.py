"""Validate imported service records into write plans, against the organisations, localities and
themes already stored.
"""

import re
import uuid

from earlyhelp.core.models import Locality, Organisation
from earlyhelp.thresholds.models import NeedTheme

from ..models import AttendingAccess, AttendingType, LevelBand, ProviderKind, ServiceStatus
from .reader import RecordReader
from .results import ImportProblem
from .vocabulary import (
    BOROUGH_URI,
    EXTENSION,
    LEVEL_VOCABULARY,
    LOCALITY_URI,
    ORUK_ELIGIBILITY_TERMS,
    THEME_VOCABULARY,
)


def read_records(payload) -> tuple[list, list[ImportProblem]]:
    if isinstance(payload, dict) and isinstance(payload.get("content"), list):
        return payload["content"], []
    if isinstance(payload, list):
        return payload, []
    if isinstance(payload, dict) and "name" in payload:
        return [payload], []
    return [], [
        ImportProblem(
            0, "file", "(file)", "expected a list of services, or an object with 'content'"
        )
    ]


def clean_record(rec: RecordReader, refs: dict) -> dict | None:
    d = rec.data
    start = len(rec.problems)
    values = {
        "name": rec.text(d, "name", "name", required=True, max_length=200),
        "description": rec.text(d, "description", "description"),
        "url": rec.url(d, "url", "url"),
        "email": rec.email(d, "email", "email"),
        "status": rec.choice(
            d, "status", "status", ServiceStatus.values, default=ServiceStatus.ACTIVE
        ),
        "fees": rec.text(d, "fees", "fees", max_length=300),
        "accreditations": rec.text(d, "accreditations", "accreditations"),
        "attending_type": rec.choice(d, "attending_type", "attending_type", AttendingType.values),
        "attending_access": rec.choice(
            d, "attending_access", "attending_access", AttendingAccess.values
        ),
        "assured_date": rec.date(d, "assured_date", "assured_date"),
        "eligibility_description": rec.text(
            d, "eligibility_description", "eligibility_description"
        ),
    }
    service_id = rec.ident(d, "")

    # Organisation: by id, else by name; a new one is created on import.
    org = rec.object(d, "organization", "organization", required=True)
    organisation = new_organisation = None
    if org is not None:
        org_id = rec.ident(org, "organization")
        org_name = rec.text(org, "name", "organization.name", required=True, max_length=200)
        organisation = refs["orgs_by_id"].get(org_id) or refs["orgs_by_name"].get(org_name.lower())
        if organisation is None and org_name:
            new_organisation = {"id": org_id, "name": org_name}

    # Ages: top-level (Open Referral UK 3.0) or from the eligibility entries (1.0).
    minimum = rec.integer(d, "minimum_age", "minimum_age", minimum=0, maximum=120)
    maximum = rec.integer(d, "maximum_age", "maximum_age", minimum=0, maximum=120)
    terms = []
    for i, item in rec.items(d, "eligibilitys", "eligibilitys"):
        path = f"eligibilitys[{i}]"
        low = rec.integer(item, "minimum_age", f"{path}.minimum_age", minimum=0, maximum=120)
        high = rec.integer(item, "maximum_age", f"{path}.maximum_age", minimum=0, maximum=120)
        if low is not None and minimum is None:
            minimum = low
        if high is not None and maximum is None:
            maximum = high
        text = rec.text(item, "eligibility", f"{path}.eligibility")
        for term in [t.strip() for t in text.split(",") if t.strip()]:
            if term.lower() in ORUK_ELIGIBILITY_TERMS:
                terms.append(term.lower())
            elif not values["eligibility_description"]:
                values["eligibility_description"] = text
    if minimum is not None and maximum is not None and maximum < minimum:
        rec.error("maximum_age", "must be the same as or more than minimum_age")
    values.update(minimum_age=minimum, maximum_age=maximum, eligibilities=sorted(set(terms)))

    cost_options = []
    for i, item in rec.items(d, "cost_options", "cost_options"):
        path = f"cost_options[{i}]"
        cost_options.append(
            {
                "id": rec.ident(item, path, required=False) or uuid.uuid4(),
                "option": rec.text(item, "option", f"{path}.option", max_length=300),
                "amount": rec.decimal(item, "amount", f"{path}.amount", minimum=0),
                "amount_description": rec.text(
                    item, "amount_description", f"{path}.amount_description", max_length=300
                ),
                "valid_from": rec.date(item, "valid_from", f"{path}.valid_from"),
                "valid_to": rec.date(item, "valid_to", f"{path}.valid_to"),
            }
        )

    schedules = []
    for i, item in rec.items(d, "regular_schedules", "regular_schedules"):
        path = f"regular_schedules[{i}]"
        byday = rec.text(item, "byday", f"{path}.byday", max_length=40).upper()
        if byday and not re.fullmatch(
            r"(-?\d?(MO|TU|WE|TH|FR|SA|SU))(,-?\d?(MO|TU|WE|TH|FR|SA|SU))*", byday.replace(" ", "")
        ):
            rec.error(f"{path}.byday", f"'{byday}' is not a list of days such as MO,WE,FR")
        schedule = {
            "id": rec.ident(item, path, required=False) or uuid.uuid4(),
            "description": rec.text(item, "description", f"{path}.description", max_length=300),
            "freq": rec.choice(item, "freq", f"{path}.freq", ["WEEKLY", "MONTHLY"]),
            "interval": rec.integer(item, "interval", f"{path}.interval", minimum=1, maximum=52),
            "byday": byday.replace(" ", ""),
            "opens_at": rec.time(item, "opens_at", f"{path}.opens_at"),
            "closes_at": rec.time(item, "closes_at", f"{path}.closes_at"),
            "valid_from": rec.date(item, "valid_from", f"{path}.valid_from"),
            "valid_to": rec.date(item, "valid_to", f"{path}.valid_to"),
        }
        if (
            schedule["opens_at"]
            and schedule["closes_at"]
            and (schedule["closes_at"] <= schedule["opens_at"])
        ):
            rec.error(f"{path}.closes_at", "must be later than opens_at")
        schedules.append(schedule)

    contacts, phone = [], ""
    for i, item in rec.items(d, "contacts", "contacts"):
        path = f"contacts[{i}]"
        numbers = [
            rec.text(p, "number", f"{path}.phones[{j}].number", max_length=40)
            for j, p in rec.items(item, "phones", f"{path}.phones")
        ]
        name = rec.text(item, "name", f"{path}.name", max_length=200)
        title = rec.text(item, "title", f"{path}.title", max_length=200)
        email = rec.email(item, "email", f"{path}.email")
        if not (name or title or email) and numbers:
            phone = phone or numbers[0]  # the service's own number
            continue
        contacts.append(
            {
                "id": rec.ident(item, path, required=False) or uuid.uuid4(),
                "name": name,
                "title": title,
                "email": email,
                "phone": next((n for n in numbers if n), ""),
            }
        )
    values["phone"] = phone

    locations = []
    for i, item in rec.items(d, "service_at_locations", "service_at_locations"):
        path = f"service_at_locations[{i}]"
        loc = rec.object(item, "location", f"{path}.location", required=True)
        if loc is None:
            continue
        lpath = f"{path}.location"
        address = next(
            iter(rec.items(loc, "physical_addresses", f"{lpath}.physical_addresses")), (0, {})
        )[1]
        latitude = rec.decimal(loc, "latitude", f"{lpath}.latitude")
        longitude = rec.decimal(loc, "longitude", f"{lpath}.longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            rec.error(f"{lpath}.latitude", "must be between -90 and 90")
        if longitude is not None and not -180 <= longitude <= 180:
            rec.error(f"{lpath}.longitude", "must be between -180 and 180")
        locations.append(
            {
                "sal_id": rec.ident(item, path, required=False) or uuid.uuid4(),
                "id": rec.ident(loc, lpath),
                "name": rec.text(loc, "name", f"{lpath}.name", required=True, max_length=200),
                "description": rec.text(loc, "description", f"{lpath}.description"),
                "address_1": rec.text(
                    address, "address_1", f"{lpath}.physical_addresses[0].address_1", max_length=200
                ),
                "city": rec.text(
                    address, "city", f"{lpath}.physical_addresses[0].city", max_length=100
                ),
                "postcode": rec.text(
                    address,
                    "postal_code",
                    f"{lpath}.physical_addresses[0].postal_code",
                    max_length=10,
                ),
                "latitude": latitude,
                "longitude": longitude,
            }
        )

    borough_wide, localities = False, []
    areas = rec.items(d, "service_areas", "service_areas")
    for i, item in areas:
        path = f"service_areas[{i}]"
        uri = rec.text(item, "uri", f"{path}.uri")
        name = rec.text(item, "service_area", f"{path}.service_area") or rec.text(
            item, "name", f"{path}.name"
        )
        if uri == BOROUGH_URI:
            borough_wide = True
        elif uri.startswith(LOCALITY_URI):
            code = uri[len(LOCALITY_URI) :]
            locality = refs["localities_by_code"].get(code)
            if locality is None:
                rec.error(f"{path}.uri", f"no locality has the code '{code}'")
            else:
                localities.append(locality)
        elif name.lower() in refs["localities_by_name"]:
            localities.append(refs["localities_by_name"][name.lower()])
        else:
            refs["warnings"].append(
                f"Record {rec.index} ({rec.label}): service area '{name or uri}' is not one of "
                "our localities; the service is treated as covering the whole borough."
            )
            borough_wide = True
    values["borough_wide"] = borough_wide or not localities

    themes, bands, taxonomies = [], [], []
    for i, item in rec.items(d, "service_taxonomys", "service_taxonomys"):
        path = f"service_taxonomys[{i}].taxonomy"
        tax = rec.object(item, "taxonomy", path, required=True)
        if tax is None:
            continue
        term = rec.text(tax, "id", f"{path}.id", required=True, max_length=200)
        vocabulary = rec.text(tax, "vocabulary", f"{path}.vocabulary", max_length=200)
        name = rec.text(tax, "name", f"{path}.name", required=True, max_length=300)
        if vocabulary == THEME_VOCABULARY:
            theme = refs["themes"].get(term)
            if theme is None:
                rec.error(f"{path}.id", f"'{term}' is not one of our needs themes")
            else:
                themes.append(theme)
        elif vocabulary == LEVEL_VOCABULARY:
            if term not in LevelBand.values:
                rec.error(
                    f"{path}.id", f"'{term}' is not a level of need ({', '.join(LevelBand.values)})"
                )
            else:
                bands.append(term)
        elif term and name:
            taxonomies.append(
                {
                    "term_id": term,
                    "vocabulary": vocabulary,
                    "name": name,
                    "parent_term_id": rec.text(tax, "parent", f"{path}.parent", max_length=200),
                }
            )

    values["languages"] = sorted(
        {
            rec.text(item, "language", f"languages[{i}].language", max_length=10).lower()
            for i, item in rec.items(d, "languages", "languages")
        }
        - {""}
    )

    ext = rec.object(d, EXTENSION, EXTENSION) or {}
    provider_kind = rec.choice(
        ext, "provider_kind", f"{EXTENSION}.provider_kind", ProviderKind.values
    )
    values.update(
        capacity=rec.integer(ext, "capacity", f"{EXTENSION}.capacity", minimum=0),
        declared_waiting_days=rec.integer(
            ext, "declared_waiting_days", f"{EXTENSION}.declared_waiting_days", minimum=0
        ),
        cost_per_family=rec.decimal(
            ext, "cost_per_family", f"{EXTENSION}.cost_per_family", minimum=0
        ),
        evidence_rating=rec.integer(
            ext, "evidence_rating", f"{EXTENSION}.evidence_rating", minimum=1, maximum=4
        ),
        evidence_note=rec.text(ext, "evidence_note", f"{EXTENSION}.evidence_note", max_length=300),
        accepts_referrals=rec.boolean(
            ext, "accepts_referrals", f"{EXTENSION}.accepts_referrals", default=True
        ),
    )
    if len(rec.problems) > start:
        return None
    return {
        "id": service_id,
        "values": values,
        "provider_kind": provider_kind,
        "organisation": organisation,
        "new_organisation": new_organisation,
        "themes": themes,
        "bands": bands,
        "localities": localities,
        "taxonomies": taxonomies,
        "cost_options": cost_options,
        "schedules": schedules,
        "contacts": contacts,
        "locations": locations,
    }


def load_references() -> dict:
    orgs = list(Organisation.objects.all())
    localities = list(Locality.objects.all())
    return {
        "orgs_by_id": {o.id: o for o in orgs},
        "orgs_by_name": {o.name.lower(): o for o in orgs},
        "localities_by_code": {loc.code: loc for loc in localities},
        "localities_by_name": {loc.name.lower(): loc for loc in localities},
        "themes": {t.code: t for t in NeedTheme.objects.all()},
        "warnings": [],
    }
