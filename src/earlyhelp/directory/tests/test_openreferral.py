"""Open Referral UK: export, import, the round trip, and imports that report every problem."""

import copy
import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from earlyhelp.core.models import AuditEvent, Organisation
from earlyhelp.core.tests.factories import LocalityFactory, UserFactory
from earlyhelp.thresholds.tests.factories import NeedThemeFactory

from ..models import CostOption, Location, Schedule, Service, ServiceAtLocation, ServiceContact
from ..openreferral.export import export_directory, service_to_oruk
from ..openreferral.importer import import_directory
from .factories import ServiceFactory


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", role="admin", team=None)


@pytest.fixture
def full_service(db):
    north = LocalityFactory(name="North", code="N")
    themes = [
        NeedThemeFactory(code="parenting", name="Parenting", cin_factor_codes=[]),
        NeedThemeFactory(code="mental-health", name="Mental health", cin_factor_codes=[]),
    ]
    service = ServiceFactory(
        name="Incredible Years parenting programme",
        description="A 14-week group.",
        url="https://example.org/iy",
        email="iy@example.org",
        phone="020 8359 0000",
        themes=themes,
        bands=["early_help", "targeted"],
        localities=[north],
        borough_wide=False,
        minimum_age=3,
        maximum_age=8,
        capacity=24,
        declared_waiting_days=21,
        waiting_days=21,
        cost_per_family=Decimal("1400.00"),
        fees="Free",
        evidence_rating=4,
        evidence_note="EIF guidebook",
        attending_type="venue",
        attending_access="referral",
        eligibilities=["family"],
        eligibility_description="Parents of children aged 3 to 8",
        languages=["en", "pl"],
        assured_date=dt.date(2026, 1, 15),
    )
    CostOption.objects.create(
        service=service, option="Crèche", amount=Decimal("0"), amount_description="per session"
    )
    Schedule.objects.create(
        service=service,
        description="Tuesday mornings in term time",
        freq="WEEKLY",
        interval=1,
        byday="TU",
        opens_at=dt.time(9, 30),
        closes_at=dt.time(11, 30),
    )
    ServiceContact.objects.create(
        service=service,
        name="Group coordinator",
        title="Lead",
        phone="020 8359 0001",
        email="lead@example.org",
    )
    location = Location.objects.create(
        name="Northside Children's Centre",
        address_1="1 Park Rd",
        city="Barnet",
        postcode="EN5 2AB",
        latitude=Decimal("51.650000"),
        longitude=Decimal("-0.200000"),
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    service.taxonomies.create(
        term_id="esd-1", name="Parenting support", vocabulary="esdServiceTypes"
    )
    return service


def test_export_has_the_open_referral_uk_shape(full_service):
    data = export_directory()
    assert data["total_items"] == 1 and data["first_page"] and data["last_page"]
    record = data["content"][0]
    for key in (
        "id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "organization",
        "eligibilitys",
        "cost_options",
        "regular_schedules",
        "contacts",
        "service_at_locations",
        "service_areas",
        "service_taxonomys",
        "languages",
    ):
        assert key in record
    assert record["status"] == "active"
    assert record["organization"]["name"] == full_service.organisation.name
    assert record["eligibilitys"][0]["minimum_age"] == 3
    assert record["regular_schedules"][0]["byday"] == "TU"
    assert (
        record["service_at_locations"][0]["location"]["physical_addresses"][0]["postal_code"]
        == "EN5 2AB"
    )
    vocabularies = {t["taxonomy"]["vocabulary"] for t in record["service_taxonomys"]}
    assert vocabularies == {"earlyhelp:need-theme", "earlyhelp:level-of-need", "esdServiceTypes"}
    assert record["service_areas"][0]["uri"] == "urn:earlyhelp:locality:N"
    assert record["earlyhelp"]["evidence_rating"] == 4
    json.dumps(data)  # serialisable as it stands


def test_round_trip_into_an_empty_directory(full_service, admin):
    before = export_directory()
    Service.objects.all().delete()
    result = import_directory(copy.deepcopy(before), acting_user=admin)
    assert result.ok, result.problems
    assert (result.created, result.updated) == (1, 0)
    assert export_directory() == before


def test_round_trip_over_itself_updates_in_place(full_service, admin):
    before = export_directory()
    result = import_directory(copy.deepcopy(before), acting_user=admin)
    assert (result.created, result.updated) == (0, 1)
    assert Service.objects.count() == 1
    assert export_directory() == before


def test_import_from_another_directory(db, admin):
    payload = [
        {
            "id": "svc-42",  # not a UUID: becomes a stable one
            "name": "Money advice drop-in",
            "status": "Active",
            "organization": {
                "id": "org-7",
                "name": "Citizens Advice Example",
                "description": "Advice charity",
            },
            "eligibilitys": [{"id": "e1", "eligibility": "adult", "minimum_age": 18}],
            "service_areas": [{"id": "a1", "service_area": "Somewhere we do not have"}],
            "service_taxonomys": [
                {
                    "id": "t1",
                    "taxonomy": {
                        "id": "debt",
                        "name": "Debt advice",
                        "vocabulary": "openEligibility",
                    },
                }
            ],
            "regular_schedules": [
                {"id": "r1", "byday": "MO,WE", "opens_at": "09:00:00Z", "closes_at": "13:00"}
            ],
        }
    ]
    result = import_directory(payload, acting_user=admin)
    assert result.ok, result.problems
    service = Service.objects.get()
    assert service.id == uuid.uuid5(uuid.UUID("6f1d2f4e-3c55-4a8e-9d7e-0b7a1f3c2e10"), "svc-42")
    assert service.organisation.name == "Citizens Advice Example"
    assert service.provider_kind == "voluntary"
    assert service.minimum_age == 18 and service.eligibilities == ["adult"]
    assert service.borough_wide
    assert "not one of our localities" in result.warnings[0]
    assert service.schedules.get().opens_at == dt.time(9, 0)
    # The same file again updates, never duplicates.
    assert import_directory(payload, acting_user=admin).updated == 1
    assert Service.objects.count() == 1


def test_a_bad_import_reports_every_problem_and_writes_nothing(full_service, admin):
    good = export_directory()["content"][0]
    good["name"] = "Renamed"
    bad_one = {
        "id": str(uuid.uuid4()),
        "name": "",
        "url": "not a url",
        "email": "nope",
        "status": "open",
        "organization": {"id": "x"},
        "eligibilitys": [{"id": "e", "minimum_age": 10, "maximum_age": "nine"}],
        "cost_options": [{"id": "c", "amount": "lots"}],
        "earlyhelp": {"evidence_rating": 7, "capacity": -1, "provider_kind": "state"},
    }
    bad_two = {
        "id": str(uuid.uuid4()),
        "name": "Youth club",
        "organization": {"name": "Youth Org"},
        "minimum_age": 19,
        "maximum_age": 11,
        "regular_schedules": [{"id": "r", "byday": "Mondays", "opens_at": "25:00"}],
        "service_taxonomys": [
            {
                "id": "t",
                "taxonomy": {"id": "nope", "name": "Nope", "vocabulary": "earlyhelp:need-theme"},
            }
        ],
        "service_areas": [{"id": "a", "uri": "urn:earlyhelp:locality:ZZ"}],
    }
    counts = (Service.objects.count(), Organisation.objects.count(), AuditEvent.objects.count())
    result = import_directory([good, bad_one, "not an object", bad_two], acting_user=admin)
    assert not result.ok and result.created == result.updated == 0
    found = {(p.record, p.field) for p in result.problems}
    assert {
        (2, "name"),
        (2, "url"),
        (2, "email"),
        (2, "status"),
        (2, "organization.name"),
        (2, "eligibilitys[0].maximum_age"),
        (2, "cost_options[0].amount"),
        (2, "earlyhelp.evidence_rating"),
        (2, "earlyhelp.capacity"),
        (2, "earlyhelp.provider_kind"),
        (3, "(record)"),
        (4, "maximum_age"),
        (4, "regular_schedules[0].byday"),
        (4, "regular_schedules[0].opens_at"),
        (4, "service_taxonomys[0].taxonomy.id"),
        (4, "service_areas[0].uri"),
    } <= found
    assert not any(p.record == 1 for p in result.problems)
    messages = {str(p) for p in result.problems}
    assert (
        f"Record 2 ({bad_one['id']}): status: 'open' is not one of: active, defunct, inactive, "
        "temporarily closed"
    ) in messages
    # Nothing written: the good record's rename did not land either.
    assert (
        Service.objects.count(),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    full_service.refresh_from_db()
    assert full_service.name == "Incredible Years parenting programme"


def test_duplicate_ids_in_one_file_are_reported(full_service, admin):
    record = export_directory()["content"][0]
    result = import_directory([record, copy.deepcopy(record)], acting_user=admin)
    assert [(p.record, p.field) for p in result.problems] == [(2, "id")]


def test_dry_run_counts_without_writing(full_service, admin):
    payload = export_directory()
    payload["content"][0]["name"] = "Changed"
    result = import_directory(payload, acting_user=admin, dry_run=True)
    assert result.ok and result.updated == 1 and result.dry_run
    full_service.refresh_from_db()
    assert full_service.name != "Changed"


def test_unreadable_file_shape(db, admin):
    result = import_directory({"services": []}, acting_user=admin)
    assert [p.message for p in result.problems] == [
        "expected a list of services, or an object with 'content'"
    ]


def test_commands_export_and_import(full_service, admin, tmp_path, capsys):
    path = tmp_path / "directory.json"
    call_command("directory_export", output=str(path))
    data = json.loads(path.read_text())
    assert data["content"][0]["id"] == str(full_service.id)
    data["content"][0]["status"] = "closed"
    path.write_text(json.dumps(data))
    with pytest.raises(SystemExit):
        call_command("directory_import", str(path), username="admin")
    assert "status: 'closed' is not one of" in capsys.readouterr().err
    assert service_to_oruk(Service.objects.get())["status"] == "active"
