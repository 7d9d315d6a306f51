"""Every bad row is reported (table, row, column, reason) and nothing is written."""

import pytest

from earlyhelp.cases.models import Episode
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor.models import Contact
from earlyhelp.history import services
from earlyhelp.history.models import SourceRecord
from earlyhelp.people.models import Family, Person

from .conftest import edit

pytestmark = pytest.mark.django_db


def problems(extract, manager) -> list[str]:
    result = services.history_import(source=extract, acting_user=manager, source_system="Mosaic")
    assert not result.ok
    return [str(p) for p in result.problems]


def assert_nothing_written():
    assert Person.objects.count() == Family.objects.count() == Contact.objects.count() == 0
    assert Episode.objects.count() == SourceRecord.objects.count() == 0


def test_every_bad_row_is_reported_with_table_row_column_and_reason(manager, extract):
    edit(extract, "ssd_person", "P2,Bilal,Khan,M,,APKN", "P2,Bilal,Khan,M,,PURPLE")
    edit(extract, "ssd_person", "2012-05-05,4857773457", "2012-05-05,4857773458")
    edit(extract, "ssd_contacts", "C3,P4,2025-02-05,6", "C3,P9,2025-02-05,6")
    edit(extract, "ssd_contacts", "C4,P6,2025-04-04,8", "C4,P6,2099-04-04,8")
    edit(extract, "ssd_early_help_episodes", "NFA,Family Support East",
         "Closed,Family Support East")
    edit(extract, "ssd_early_help_episodes", "Socio-economic challenges,,Family Support East",
         "Socio-economic challenges,,Youth Team")
    edit(extract, "ssd_cin_episodes", "RC9,2026-02-15", "RC99,2026-02-15")
    found = problems(extract, manager)
    expected = [
        "ssd_person row 3, pers_ethnicity: unknown ethnicity 'PURPLE' – accepted: ",
        "ssd_person row 5, pers_common_child_id: '4857773458' is not a valid NHS number",
        "ssd_contacts row 4, cont_person_id: no person 'P9' in ssd_person",
        "ssd_contacts row 5, cont_contact_date: 2099-04-04 is in the future",
        "ssd_early_help_episodes row 6, earl_episode_end_reason: unknown end reason 'Closed' – "
        "accepted: ",
        "ssd_early_help_episodes row 7, earl_episode_organisation: no earlyhelp team is called "
        "'Youth Team' – teams: Family Support East, Family Support West",
        "ssd_cin_episodes row 2, cine_close_reason: unknown CIN closure reason 'RC99' – accepted: ",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), (start, found)
    assert len(found) == len(expected), found
    # The accepted codes are shown, never guessed.
    end_reason = next(p for p in found if "end reason" in p)
    assert "outcomes met" in end_reason and "step-up" in end_reason and "nfa" in end_reason
    ethnicity = next(p for p in found if "PURPLE" in p)
    assert "wbri" in ethnicity and "nobt" in ethnicity
    assert_nothing_written()
    assert not AuditEvent.objects.filter(reason="imported history").exists()


def test_a_missing_person_table_or_column_is_reported(manager, extract):
    (extract / "ssd_person.csv").unlink()
    assert problems(extract, manager)[0] == (
        "ssd_person row 0, -: the file ssd_person.csv is missing")
    assert_nothing_written()


def test_a_missing_required_column_is_reported(manager, extract):
    edit(extract, "ssd_contacts", "cont_contact_date,", "cont_date,")
    assert "ssd_contacts row 1, cont_contact_date: required column missing from the header" in (
        problems(extract, manager))


def test_overlapping_episodes_of_one_family_are_refused(manager, extract):
    edit(extract, "ssd_early_help_episodes", "E2,P1,2025-09-15", "E2,P1,2025-06-15")
    found = problems(extract, manager)
    assert found == ["ssd_early_help_episodes row 4, earl_episode_start_date: overlaps episode "
                     "'E1' (row 2) of the same family: a family has one early help episode at a "
                     "time"]
    assert_nothing_written()


def test_rows_of_one_episode_must_agree(manager, extract):
    edit(extract, "ssd_early_help_episodes", "E1,P2,2025-01-20,2025-06-30",
         "E1,P2,2025-01-20,2025-07-30")
    assert problems(extract, manager) == [
        "ssd_early_help_episodes row 3, earl_episode_end_date: differs from row 2 of the same "
        "episode"]


def test_a_refusal_by_a_casework_service_mid_way_rolls_everything_back(manager, extract):
    """Rows the checks pass, but a casework service refuses one of the last writes (a contact
    whose outcome text is longer than the front door keeps): everything before it, people,
    families, episodes, is rolled back, and the row is reported."""
    edit(extract, "ssd_contacts", "C2,P1,2025-09-01,3B,Health visitor,",
         "C2,P1,2025-09-01,3B,Health visitor," + "x" * 10_500)
    found = problems(extract, manager)
    assert len(found) == 1 and found[0].startswith("ssd_contacts row 3, "), found
    assert "concerns" in found[0]
    assert_nothing_written()


def test_only_someone_who_may_create_households_can_import(analyst, extract):
    from earlyhelp.access.policy import NotAllowed

    with pytest.raises(NotAllowed):
        services.history_import(source=extract, acting_user=analyst, source_system="Mosaic")
    assert_nothing_written()


def test_an_id_too_long_to_keep_as_its_source_is_refused_before_writing(manager, extract):
    """The writer does not check fields again: validation refuses what the tables cannot hold."""
    long_id = "C" + "9" * 48  # 49 characters; SourceRecord.source_id holds 48
    edit(extract, "ssd_contacts", "C2,P1,2025-09-01", f"{long_id},P1,2025-09-01")
    assert problems(extract, manager) == [
        "ssd_contacts row 3, cont_contact_id: longer than 48 characters"]
    assert_nothing_written()


def test_a_system_name_too_long_is_refused(manager, extract):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.history_import(source=extract, acting_user=manager, source_system="M" * 61)
    assert "at most 60 characters" in str(refused.value)
    assert_nothing_written()
