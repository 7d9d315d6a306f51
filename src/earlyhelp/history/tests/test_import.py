"""Import of the hand-written SSD extract: what it writes, and the dashboard it gives."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from earlyhelp.cases.models import ClosureOutcome, Episode, RouteIn, Transition
from earlyhelp.core.models import AuditEvent
from earlyhelp.frontdoor.models import Contact, ContactStatus
from earlyhelp.history import services
from earlyhelp.history.models import SourceRecord
from earlyhelp.insights.periods import period_containing
from earlyhelp.insights.selectors import dashboard
from earlyhelp.people.models import Family, Membership, Person

from .conftest import SMALL

pytestmark = pytest.mark.django_db

# Hand-computed from the CSVs, for the financial year April 2025 – March 2026:
#   contacts received: C2 (1 Sep 2025) and C4 (4 Apr 2025)                      -> 2
#   re-referrals: C2 comes 2 months after E1 (Amira's episode) closed           -> 1 of 2 = 50%
#   closures: E1 30 Jun (outcomes met), E2 1 Dec (step-up), E4 31 Aug (NFA)     -> 3
#   needs met: E1 only                                                          -> 1 of 3 = 33.3%
#   episodes started: E2 15 Sep, E3 1 Mar 2026 (stepped down after R1 closed RC9), E5 10 Apr
#                                                   step-downs -> 1 of 3 = 33.3%
EXPECTED = {"contacts": 2, "re_referral_rate": 50.0, "closures": 3, "needs_met_rate": 33.3,
            "step_down_share": 33.3}


def figures(user) -> dict:
    period = period_containing("year", dt.date(2025, 6, 1))
    rows = dashboard(user=user, period=period, codes=list(EXPECTED), with_trend=False)
    return {row.definition.code: (round(row.value, 1) if row.value is not None else None)
            for row in rows}


def run(directory, manager, system="Mosaic"):
    return services.history_import(source=directory, acting_user=manager, source_system=system)


def test_the_extract_loads_people_families_contacts_and_episodes(manager):
    result = run(SMALL, manager)
    assert result.ok, result.problems
    assert result.created["people"] == 6
    assert Person.objects.count() == 6
    # F1, F2 and a household of his own for Noah, who has no ssd_family row.
    assert Family.objects.count() == 3
    khan = Family.objects.get(memberships__person__given_name="Sara")
    assert (khan.address_line_1, khan.town, khan.postcode, khan.uprn) == (
        "12 Mill Lane", "Barnet", "EN5 1AA", "200000000123")  # the current address, not 2010's
    roles = dict(Membership.objects.filter(family=khan).values_list("person__given_name", "role"))
    assert roles == {"Amira": "child", "Bilal": "child", "Sara": "parent_carer"}
    tom = Person.objects.get(given_name="Tom")
    assert (tom.nhs_number, tom.upn, tom.sex, tom.ethnicity) == (
        "4857773457", "U201345678901", "M", "WBRI")

    contacts = Contact.objects.order_by("received_at")
    assert [c.source for c in contacts] == ["2A", "6", "8", "3B"]
    assert {c.status for c in contacts} == {ContactStatus.WITHDRAWN}
    assert [c.is_re_referral for c in contacts] == [False, False, False, True]
    assert contacts[0].received_at.date() == dt.date(2025, 1, 10)

    e1, e2, e3 = Episode.objects.filter(family=khan).order_by("start_date")
    assert (e1.start_date, e1.end_date, e1.closure_outcome, e1.reason) == (
        dt.date(2025, 1, 20), dt.date(2025, 6, 30), ClosureOutcome.NEEDS_MET, "mental_health")
    assert sorted(c.given_name for c in e1.focus_children.all()) == ["Amira", "Bilal"]
    assert e1.team.name == "Family Support West"
    assert (e2.closure_outcome, e2.end_date) == (ClosureOutcome.STEPPED_UP, dt.date(2025, 12, 1))
    step_up = Transition.objects.get(episode=e2)
    assert (step_up.kind, step_up.cin_code, step_up.social_care_reference) == (
        "step_up", "5D", "R1")
    assert (e3.route_in, e3.social_care_reference, e3.cin_closure_reason, e3.is_open) == (
        RouteIn.STEP_DOWN, "R1", "RC9", True)
    assert e3.previous_episode == e2 and e3.reason == "parenting"
    step_down = Transition.objects.get(episode=e3)
    assert step_down.social_care_decided_on == dt.date(2026, 2, 15)
    e4 = Episode.objects.get(family__memberships__person=tom)
    assert e4.closure_outcome == ClosureOutcome.OTHER  # SSD "NFA"


def test_every_imported_record_is_marked_with_its_source_in_the_audit(manager):
    run(SMALL, manager, system="Liquidlogic EHM")
    assert SourceRecord.objects.filter(source_system="Liquidlogic EHM").count() == 6 + 3 + 4 + 5
    episode = Episode.objects.get(pk=SourceRecord.objects.get(
        table="ssd_early_help_episodes", source_id="E2").object_id)
    marks = AuditEvent.objects.filter(object_id=str(episode.pk), reason="imported history")
    assert [m.changes for m in marks] == [{"source_system": "Liquidlogic EHM",
                                           "source_table": "ssd_early_help_episodes",
                                           "source_id": "E2"}]
    assert marks[0].user == manager and marks[0].family_id == episode.family_id


def test_the_audit_rows_of_an_import_seal_and_verify_in_import_order(manager):
    """Audit rows are staged as tuples, not built by `audit.build`: they must hold what the
    services write and chain like any other row."""
    from earlyhelp.core import audit

    assert run(SMALL, manager).ok
    rows = list(AuditEvent.objects.order_by("id"))
    # A source mark per record, a creation row per record created, and the run's own row last.
    assert sum(r.reason == "imported history" and r.action == "change" for r in rows) == 18
    kinds = Counter(r.object_type for r in rows if r.action == "create")
    assert (kinds["people.person"], kinds["people.family"], kinds["frontdoor.contact"],
            kinds["cases.episode"]) == (6, 3, 4, 5)
    assert all(r.user == manager and r.username == "importer" for r in rows)
    assert rows[-1].object_type == "history.importrun"
    contact = Contact.objects.order_by("reference").first()
    created, withdrawn, mark = AuditEvent.objects.filter(
        object_id=str(contact.pk)).order_by("id")
    assert (created.action, created.changes["reference"], created.changes["status"]) == (
        "create", contact.reference, "awaiting_decision")
    assert created.changes["family"] == str(contact.family_id) == str(created.family_id)
    assert (withdrawn.action, withdrawn.changes) == ("change",
                                                     {"status": ["awaiting_decision", "withdrawn"]})
    assert mark.reason == "imported history" and mark.id > withdrawn.id > created.id
    assert audit.seal().sealed == len(rows)
    check = audit.verify_chain()
    assert check.ok and check.rows_checked == len(rows), check.problem


def test_the_dashboard_shows_the_hand_computed_figures(manager, analyst):
    assert run(SMALL, manager).ok
    assert figures(analyst) == EXPECTED


def test_the_command_imports_and_reports(manager, capsys):
    call_command("history_import", str(SMALL), user="importer", source_system="Mosaic")
    out = capsys.readouterr()
    assert "Imported 27 rows from Mosaic" in out.out
    assert "6 people created" in out.out
    assert out.err.count("27 of 27 rows") == 1
    assert Person.objects.count() == 6


def test_the_command_refuses_a_bad_extract_and_writes_nothing(manager, extract, capsys):
    from .conftest import edit

    edit(extract, "ssd_person", "P2,Bilal,Khan,M", "P2,Bilal,Khan,X")
    with pytest.raises(SystemExit) as exit_:
        call_command("history_import", str(extract), user="importer", source_system="Mosaic")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "ssd_person row 3, pers_sex: unknown sex 'X' – accepted:" in out
    assert "nothing was imported" in out
    assert Person.objects.count() == 0
