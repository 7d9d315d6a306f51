import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove, StaleEdit
from earlyhelp.core.models import AuditEvent
from earlyhelp.people import services
from earlyhelp.people.models import Consent, Person, SharingOverride


def test_person_create_normalises_and_validates_identifiers(world):
    person = services.person_create(
        acting_user=world.worker, given_name="Ava", family_name="Khan",
        date_of_birth=dt.date(2019, 3, 2), nhs_number="943 476 5919",
    )
    assert person.nhs_number == "9434765919"
    with pytest.raises(ValidationError) as error:
        services.person_create(acting_user=world.worker, given_name="Bad", family_name="Number",
                               date_of_birth=dt.date(2019, 3, 2), nhs_number="9434765918")
    assert "nhs_number" in error.value.message_dict
    assert Person.objects.filter(given_name="Bad").count() == 0


def test_born_or_expected_not_both(world):
    with pytest.raises(ValidationError, match="not both"):
        services.person_create(acting_user=world.worker, given_name="Baby", family_name="Khan",
                               date_of_birth=dt.date(2026, 1, 1),
                               expected_date_of_birth=dt.date(2026, 3, 1))


def test_person_update_audits_changed_fields_and_refuses_stale_versions(world):
    person = world.child
    services.person_update(person=person, acting_user=world.worker, expected_version=1,
                           known_as="Lexi")
    event = AuditEvent.objects.filter(object_id=str(person.pk), action="change").last()
    assert event.changes == {"known_as": ["", "Lexi"]}
    with pytest.raises(StaleEdit):
        services.person_update(person=person, acting_user=world.worker, expected_version=1,
                               known_as="Al")
    person.refresh_from_db()
    assert person.known_as == "Lexi" and person.version == 2


def test_a_child_can_belong_to_two_households(world):
    from earlyhelp.people.tests.factories import FamilyFactory

    second = FamilyFactory(name="Dad's household")
    services.membership_add(family=second, person=world.child, role="child",
                            start_date=dt.date(2022, 1, 1), acting_user=world.worker)
    assert world.child.memberships.count() == 2
    with pytest.raises(IllegalMove, match="already a member"):
        services.membership_add(family=second, person=world.child, role="child",
                                start_date=dt.date(2022, 1, 1), acting_user=world.worker)


def test_membership_end_is_checked(world):
    membership = world.family.memberships.first()
    with pytest.raises(ValidationError):
        services.membership_end(membership=membership, end_date=dt.date(1990, 1, 1),
                                acting_user=world.worker)
    services.membership_end(membership=membership, end_date=dates.today(),
                            acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already left"):
        services.membership_end(membership=membership, end_date=dates.today(),
                                acting_user=world.worker)


def test_consent_history_is_appended_never_rewritten(world):
    person = world.parent
    first = Consent.objects.filter(person=person, kind="share").get()
    services.consent_record(person=person, kind="share", status="withdrawn",
                            decided_on=dates.today(), acting_user=world.worker)
    first.refresh_from_db()
    assert first.status == "given"
    assert list(Consent.objects.filter(person=person, kind="share").values_list(
        "status", flat=True)) == ["given", "withdrawn"]
    with pytest.raises(ValidationError):
        services.consent_record(person=person, kind="share", status="given",
                                decided_on=dates.today() + dt.timedelta(days=1),
                                acting_user=world.worker)


def test_sharing_override_needs_a_reason(world):
    with pytest.raises(ValidationError, match="why"):
        services.sharing_override_record(family=world.family, reason=" ", acting_user=world.manager)
    assert SharingOverride.objects.count() == 0
    services.sharing_override_record(family=world.family, reason="Child protection concern",
                                     acting_user=world.manager)
    assert AuditEvent.objects.filter(action="share", family_id=world.family.id).exists()


def test_a_consent_row_cannot_be_edited_or_deleted(world):
    consent = Consent.objects.filter(person=world.parent).first()
    consent.status = "refused"
    with pytest.raises(ValueError, match="never rewritten"):
        consent.save()
    with pytest.raises(ValueError, match="never rewritten"):
        consent.delete()
    consent.refresh_from_db()
    assert consent.status == "given"
