"""Import and export the directory in the Open Referral UK JSON shape.

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

An import validates every record field by field and writes nothing unless all are valid.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction

from earlyhelp.core.models import Locality, Organisation, OrganisationType
from earlyhelp.thresholds.models import NeedTheme

from . import services as directory_services
from .models import (
    AttendingAccess,
    AttendingType,
    CostOption,
    LevelBand,
    Location,
    ProviderKind,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceContact,
    ServiceStatus,
    Taxonomy,
)

THEME_VOCABULARY = "earlyhelp:need-theme"
LEVEL_VOCABULARY = "earlyhelp:level-of-need"
LOCALITY_URI = "urn:earlyhelp:locality:"
BOROUGH_URI = "urn:earlyhelp:borough"
EXTENSION = "earlyhelp"
# Non-UUID ids from other directories become stable UUIDs in this namespace.
ID_NAMESPACE = uuid.UUID("6f1d2f4e-3c55-4a8e-9d7e-0b7a1f3c2e10")
ORUK_ELIGIBILITY_TERMS = {
    "adult",
    "child",
    "teen",
    "family",
    "female",
    "male",
    "transgender",
    "transgender - m to f",
    "transgender - f to m",
}


# Export ---------------------------------------------------------------------------------------


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


# Import ---------------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    record: int  # 1-based position in the file
    service: str  # its id or name, to find it
    field: str
    message: str

    def __str__(self):
        return f"Record {self.record} ({self.service}): {self.field}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Record:
    """Field-by-field reader for one service record that collects every problem."""

    def __init__(self, index: int, data, problems: list):
        self.index = index
        self.data = data if isinstance(data, dict) else {}
        self.label = str(self.data.get("id") or self.data.get("name") or "no id")
        self.problems = problems
        if not isinstance(data, dict):
            self.error("", "must be a JSON object")

    def error(self, path: str, message: str) -> None:
        self.problems.append(ImportProblem(self.index, self.label, path or "(record)", message))

    def text(self, obj, key, path, *, required=False, max_length=None, default=""):
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.error(path, "is required")
            return default
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                self.error(path, "must be text")
                return default
        value = value.strip()
        if max_length and len(value) > max_length:
            self.error(path, f"must be {max_length} characters or fewer")
            return default
        return value

    def choice(self, obj, key, path, choices, *, default=""):
        value = self.text(obj, key, path)
        if not value:
            return default
        lookup = {c.lower(): c for c in choices}
        if value.lower() not in lookup:
            self.error(path, f"'{value}' is not one of: {', '.join(sorted(choices))}")
            return default
        return lookup[value.lower()]

    def integer(self, obj, key, path, *, minimum=None, maximum=None):
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(path, "must be a whole number")
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            self.error(path, "must be a whole number")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be {minimum} or more")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be {maximum} or less")
            return None
        return value

    def decimal(self, obj, key, path, *, minimum=None):
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(path, "must be a number")
            return None
        try:
            number = Decimal(str(value).strip().lstrip("£"))
        except InvalidOperation:
            self.error(path, "must be a number")
            return None
        if not number.is_finite():
            self.error(path, "must be a number")
            return None
        if minimum is not None and number < minimum:
            self.error(path, f"must be {minimum} or more")
            return None
        return number.quantize(Decimal("0.01"))

    def date(self, obj, key, path):
        value = self.text(obj, key, path)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.error(path, f"'{value}' is not a date in the form YYYY-MM-DD")
            return None

    def time(self, obj, key, path):
        value = self.text(obj, key, path)
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?", value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.error(path, f"'{value}' is not a time in the form HH:MM")
            return None
        return dt.time(int(match.group(1)), int(match.group(2)))

    def boolean(self, obj, key, path, *, default):
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return default
        return value

    def url(self, obj, key, path):
        value = self.text(obj, key, path, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(path, f"'{value}' is not a web address starting http:// or https://")
                return ""
        return value

    def email(self, obj, key, path):
        value = self.text(obj, key, path, max_length=254)
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                self.error(path, f"'{value}' is not an email address")
                return ""
        return value

    def items(self, obj, key, path) -> list[tuple[int, dict]]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "must be a list")
            return []
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(f"{path}[{i}]", "must be a JSON object")
            else:
                result.append((i, item))
        return result

    def object(self, obj, key, path, *, required=False) -> dict | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(path, "is required")
            return None
        if not isinstance(value, dict):
            self.error(path, "must be a JSON object")
            return None
        return value

    def ident(self, obj, path, *, required=True):
        value = obj.get("id")
        if value in (None, ""):
            if required:
                self.error(f"{path}.id" if path else "id", "is required")
            return None
        return as_uuid(str(value))


def as_uuid(value: str) -> uuid.UUID:
    """Our own ids are UUIDs; another directory's id becomes a stable UUID derived from it."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(ID_NAMESPACE, value)


def _records(payload) -> tuple[list, list[ImportProblem]]:
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


def _clean_record(rec: _Record, refs: dict) -> dict | None:
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


def _references() -> dict:
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


def import_directory(payload, *, acting_user, dry_run: bool = False) -> ImportResult:
    """Validate every record, then write all of them in one transaction – or none."""
    records, problems = _records(payload)
    result = ImportResult(problems=problems, dry_run=dry_run)
    if problems:
        return result
    refs = _references()
    cleaned, seen = [], {}
    for index, data in enumerate(records, start=1):
        rec = _Record(index, data, result.problems)
        plan = _clean_record(rec, refs)
        if plan is not None:
            if plan["id"] in seen:
                rec.error("id", f"the same id is used by record {seen[plan['id']]}")
                continue
            seen[plan["id"]] = index
            cleaned.append((index, plan))
    result.warnings = refs["warnings"]
    if result.problems or dry_run:
        if not result.problems:
            existing = set(Service.objects.filter(id__in=list(seen)).values_list("id", flat=True))
            result.updated = len(existing)
            result.created = len(cleaned) - len(existing)
        return result
    try:
        with transaction.atomic():
            for index, plan in cleaned:
                try:
                    with transaction.atomic():  # a savepoint: one bad record, keep checking
                        created = _write(plan, acting_user)
                except ValidationError as exc:
                    messages = (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    )
                    for name, texts in messages.items():
                        for message in texts:
                            result.problems.append(
                                ImportProblem(index, str(plan["id"]), name or "(record)", message)
                            )
                    continue
                except IntegrityError as exc:
                    result.problems.append(
                        ImportProblem(
                            index,
                            str(plan["id"]),
                            "(record)",
                            f"clashes with data already stored (an id used twice?): {exc}"[:300],
                        )
                    )
                    continue
                if created:
                    result.created += 1
                else:
                    result.updated += 1
            if result.problems:
                raise _RollBack
    except _RollBack:
        result.created = result.updated = 0
    return result


class _RollBack(Exception):
    pass


def _write(plan: dict, acting_user) -> bool:
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
