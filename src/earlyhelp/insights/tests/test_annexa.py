"""Ofsted Annex A Lists 1 and 2: exact columns, labels, dates and scope; the command and page."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.models import AuditEvent
from earlyhelp.core.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from earlyhelp.frontdoor.models import ContactPerson
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.insights import annexa, services, xlsxwrite
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory

from .factories import AssessmentFactory, closed_episode, completed_assessment, local

pytestmark = pytest.mark.django_db

INSPECTION = dt.date(2026, 6, 4)  # window: 4 December 2025 to 4 June 2026


@pytest.fixture
def world():
    council = OrganisationFactory(name="Borough Council", is_council=True)
    school = SchoolFactory(name="Oak Primary")
    council_team = TeamFactory(name="5-18 team", organisation=council)
    charity = OrganisationFactory(name="Family Action", type="voluntary", is_council=False)
    charity_team = TeamFactory(name="Family Action team", organisation=charity)

    amira = PersonFactory(given_name="Amira", local_id="LA123", sex="F", ethnicity="WIRT",
                          date_of_birth=dt.date(2015, 5, 4))
    khan = FamilyFactory(name="Khan household")
    MembershipFactory(family=khan, person=amira)
    episode = closed_episode(family=khan, team=council_team, start=dt.date(2026, 1, 5),
                             end=dt.date(2026, 3, 1))
    episode.focus_children.set([amira])
    in_window = completed_assessment(episode=episode, started=dt.date(2026, 1, 10),
                                     completed=dt.date(2026, 2, 1), completing_organisation=school)

    # A current intervention coordinated by the council: an old assessment, still in the list.
    long_family = FamilyFactory(name="Long household")
    ben = PersonFactory(given_name="Ben", sex="M", ethnicity="WOTH",
                        date_of_birth=dt.date(2012, 6, 5))
    left = PersonFactory(given_name="Left", sex="M", date_of_birth=dt.date(2010, 1, 1))
    unborn = PersonFactory(given_name="Baby", sex="U", ethnicity="NOBT", date_of_birth=None,
                           expected_date_of_birth=dt.date(2026, 8, 1))
    MembershipFactory(family=long_family, person=ben, start_date=dt.date(2012, 6, 5))
    MembershipFactory(family=long_family, person=unborn, start_date=dt.date(2024, 12, 1))
    MembershipFactory(family=long_family, person=left, start_date=dt.date(2010, 1, 1),
                      end_date=dt.date(2024, 6, 1))  # left before the assessment
    current = EpisodeFactory(family=long_family, team=council_team, start_date=dt.date(2025, 1, 1))
    old = completed_assessment(episode=current, started=dt.date(2025, 1, 2),
                               completed=dt.date(2025, 2, 1), completing_organisation=council)

    # Out of scope: finished before the window; started after the date; held by a charity.
    gone = closed_episode(team=council_team, start=dt.date(2025, 5, 1), end=dt.date(2025, 8, 1))
    gone.focus_children.set([PersonFactory(given_name="Gone")])
    completed_assessment(episode=gone, started=dt.date(2025, 6, 1), completed=dt.date(2025, 7, 1))
    later = EpisodeFactory(team=council_team, start_date=dt.date(2026, 6, 1))
    later.focus_children.set([PersonFactory(given_name="Later")])
    AssessmentFactory(episode=later, started_on=dt.date(2026, 6, 10))
    voluntary = EpisodeFactory(team=charity_team, start_date=dt.date(2024, 1, 1))
    voluntary.focus_children.set([PersonFactory(given_name="Voluntary")])
    completed_assessment(episode=voluntary, started=dt.date(2024, 1, 2),
                         completed=dt.date(2024, 2, 1))
    return {"amira": amira, "ben": ben, "unborn": unborn, "in_window": in_window, "old": old,
            "khan": khan}


def test_list_2_rows_have_the_exact_values_and_scope(world):
    rows = annexa.list_2_rows(INSPECTION)
    ben_id = annexa.child_unique_id(world["ben"].pk)
    baby_id = annexa.child_unique_id(world["unborn"].pk)
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {"LA123", ben_id, baby_id}
    assert by_id["LA123"] == [
        "LA123", "b) Female", "c) WIRT", dt.date(2015, 5, 4), 11, dt.date(2026, 1, 10),
        dt.date(2026, 2, 1), "Oak Primary",
    ]
    assert by_id[ben_id] == [
        ben_id, "a) Male", "d) WOTH", dt.date(2012, 6, 5), 13, dt.date(2025, 1, 2),
        dt.date(2025, 2, 1), "Borough Council",
    ]
    # Not yet born: no date of birth or age; sex not stated.
    assert by_id[baby_id][1:5] == ["c) Not stated/recorded", "t) NOBT", None, None]


def test_an_assessment_never_completed_is_listed_only_while_in_scope(world):
    child = PersonFactory(sex="F", ethnicity="REFU")
    family = FamilyFactory()
    MembershipFactory(family=family, person=child)
    episode = closed_episode(family=family, start=dt.date(2025, 3, 1), end=dt.date(2025, 12, 31))
    AssessmentFactory(episode=episode, started_on=dt.date(2025, 3, 2))  # never completed
    uid = annexa.child_unique_id(child.pk)
    # Abandoned: started before the window, its episode closed before the inspection date.
    assert [r for r in annexa.list_2_rows(INSPECTION) if r[0] == uid] == []
    # For an inspection while the episode was open, it is the current intervention's assessment.
    rows = [r for r in annexa.list_2_rows(dt.date(2025, 12, 1)) if r[0] == uid]
    assert len(rows) == 1
    assert rows[0][2] == "s) REFU"
    assert rows[0][6] is None  # completion date may be blank


def test_child_unique_id_is_the_local_id_or_a_stable_derived_one():
    person = PersonFactory(local_id="")
    derived = annexa.child_unique_id(person.pk)
    assert derived == annexa.child_unique_id(person.pk)
    assert derived.startswith("EH") and len(derived) == 14 and derived.isalnum()
    assert annexa.child_unique_id(person.pk, "ABC9") == "ABC9"


def test_list_1_has_a_row_per_child_in_each_contact_in_the_window():
    family = FamilyFactory()
    kids = [PersonFactory(given_name=n, local_id=f"K{i}", date_of_birth=dt.date(2016, 1, 1))
            for i, n in enumerate(["Ann", "Bo"])]
    adult = PersonFactory(given_name="Parent", local_id="P1", date_of_birth=dt.date(1990, 1, 1))
    contact = ContactFactory(family=family, received_at=local(2026, 5, 1, 10), source="5D")
    for person in [*kids, adult]:
        ContactPerson.objects.create(contact=contact, person=person, is_subject=True)
    not_subject = PersonFactory(local_id="NS")
    ContactPerson.objects.create(contact=contact, person=not_subject, is_subject=False)
    early = ContactFactory(received_at=local(2025, 12, 3, 10), source="3B")
    ContactPerson.objects.create(contact=early, person=kids[0])
    first_day = ContactFactory(received_at=local(2025, 12, 4, 0, 30), source="3B")
    ContactPerson.objects.create(contact=first_day, person=kids[1])

    rows = annexa.list_1_rows(INSPECTION)
    assert [(r[0], r[5], r[6]) for r in rows] == [
        ("K0", dt.date(2026, 5, 1), "o) 5B: LA services"),
        ("K1", dt.date(2025, 12, 4), "h) 3B: Health services"),
        ("K1", dt.date(2026, 5, 1), "o) 5B: LA services"),
    ]


def _sheet(content, name):
    return load_workbook(io.BytesIO(content))[name]


def test_workbook_headers_follow_the_2026_and_earlier_specifications(world):
    result = annexa.workbook(INSPECTION)
    list_2 = _sheet(result.content, "List 2")
    assert [c.value for c in list_2[1]] == [
        "Child Unique ID", "Sex", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Assessment start date", "Assessment completion date",
        "Organisation completing assessment",
    ]
    assert [c.value for c in _sheet(result.content, "List 1")[1]] == [
        "Child Unique ID", "Sex", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Date of Contact", "Contact Source",
    ]
    older = annexa.workbook(INSPECTION, annexa.LAYOUT_PRE_2026)
    assert _sheet(older.content, "List 2")["B1"].value == "Gender"
    # Dates are dates, shown dd/mm/yyyy.
    row = next(r for r in list_2.iter_rows(min_row=2) if r[0].value == "LA123")
    assert row[5].value.date() == dt.date(2026, 1, 10)
    assert row[5].number_format == "DD/MM/YYYY"
    assert row[3].number_format == "DD/MM/YYYY"


def test_the_workbook_holds_every_value_of_the_lists_in_its_place(world):
    """Cells are written without references: an empty value must keep its column."""
    result = annexa.workbook(INSPECTION)
    for name, rows in (("List 1", annexa.list_1_rows(INSPECTION)),
                       ("List 2", annexa.list_2_rows(INSPECTION))):
        read = [
            [c.value.date() if isinstance(c.value, dt.datetime) else c.value for c in row]
            for row in _sheet(result.content, name).iter_rows(min_row=2)
        ]
        assert read == rows
    baby = annexa.child_unique_id(world["unborn"].pk)
    assert [r[:5] for r in read if r[0] == baby] == [
        [baby, "c) Not stated/recorded", "t) NOBT", None, None]
    ]


def test_the_writer_tells_equal_values_of_other_types_apart():
    sheet = xlsxwrite.Sheet("S", ["a", "b", "c", "d"], [(1, True, 1.5, (1, None, "x"))], [9] * 4)
    row = load_workbook(io.BytesIO(xlsxwrite.workbook([sheet])))["S"]
    assert [c.value for c in row[2]] == [1, True, 1.5, 1, None, "x"]


def test_every_export_is_audited_with_what_it_held(world):
    manager = UserFactory(username="mgr", role="manager")
    result = services.annex_a_export(acting_user=manager, inspection_date=INSPECTION)
    event = AuditEvent.objects.get(action="export", object_type="insights.annex_a")
    assert event.user == manager
    assert event.object_id == "2026-06-04"
    assert event.changes["list_2_rows"] == result.list_2_rows == 3
    assert event.changes["window"] == ["2025-12-04", "2026-06-04"]


def test_a_bad_export_is_refused_and_leaves_no_audit_row(world):
    analyst = UserFactory(username="an", role="analyst", team=None)
    with pytest.raises(ValidationError) as error:
        services.annex_a_export(acting_user=analyst, inspection_date="2026-02-30")
    assert error.value.message_dict == {
        "inspection_date": ["Enter the inspection date as a real date, like 2026-06-04"]
    }
    with pytest.raises(ValidationError) as error:
        services.annex_a_export(acting_user=analyst, inspection_date=dt.date(2099, 1, 1))
    assert "within 31 days" in error.value.message_dict["inspection_date"][0]
    worker = UserFactory(username="w", role="worker")
    with pytest.raises(PermissionDenied):
        services.annex_a_export(acting_user=worker, inspection_date=INSPECTION)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_command_writes_the_workbook_and_audits_it(world, tmp_path):
    UserFactory(username="analyst1", role="analyst", team=None)
    out = tmp_path / "annex-a.xlsx"
    stdout = io.StringIO()
    call_command("annex_a", "--date", "2026-06-04", "--out", str(out), "--user", "analyst1",
                 stdout=stdout)
    assert "List 2 3 rows" in stdout.getvalue()
    assert load_workbook(out).sheetnames == ["List 1", "List 2"]
    event = AuditEvent.objects.get(action="export")
    assert event.username == "analyst1"
    assert "command line" in event.detail


def test_the_command_explains_a_bad_date_and_writes_nothing(world, tmp_path):
    out = tmp_path / "annex-a.xlsx"
    with pytest.raises(CommandError, match="Enter the inspection date as a real date"):
        call_command("annex_a", "--date", "4/6/2026", "--out", str(out))
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("annex_a", "--date", "2026-06-04", "--out", str(out), "--user", "nobody")
    assert not out.exists()
    assert not AuditEvent.objects.filter(action="export").exists()
