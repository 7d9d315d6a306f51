"""Outcome plans end to end on hand-built linked records (the tables a targeting run leaves):
attach, plan, check – the evidence at the edges of each sustainment period, refusals and bad
input.

Family H1 joined the programme on 1 January 2025. Its adult had a domestic abuse incident on
15 February 2025; its child missed 20 of 200 sessions (10%) in the autumn term 2024 and 5 of 200
(2.5%) in each later term.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from earlyhelp.core.models import AuditEvent
from earlyhelp.people.models import Family
from earlyhelp.results import selection, services
from earlyhelp.results.models import Framework, Measure, PlanNeed
from earlyhelp.targeting.tests.test_criteria import World

D = dt.date
JOINED = D(2025, 1, 1)


def linked_records():
    world = World()
    adult = world.person("H1", "A1", "adult")
    child = world.person("H1", "C1", "child")
    world.person("H2", "A2", "adult")
    world.record("domestic_abuse", adult, incident_date=D(2025, 2, 15), incident_ref="DA1")
    terms = [(D(2024, 9, 2), D(2024, 12, 20), 20), (D(2025, 1, 6), D(2025, 4, 4), 5),
             (D(2025, 4, 22), D(2025, 7, 22), 5), (D(2025, 9, 1), D(2025, 12, 19), 5)]
    for start, end, missed in terms:
        world.record("school_attendance", child, school_urn="100001", period_start=start,
                     period_end=end, sessions_possible=200, sessions_unauthorised=missed)
    # H2's adult works from 1 March 2025 (a UC claim in the working regime, still open).
    world.record("benefits", "A2", benefit_type="UC_WORKING", claim_start=D(2025, 3, 1))
    return world.connect()


def measure(code):
    return Measure.objects.get(outcome__framework__code="sf-2022-25", code=code)


@pytest.fixture
def plan(world):
    framework = Framework.objects.get(code="sf-2022-25")
    attachment = services.attach_family(
        user=world.analyst, framework=framework, family=world.family, attached_on=JOINED,
        household_key="H1")
    for code in ("no-incident", "attendance"):
        services.add_need(user=world.analyst, attachment=attachment, measure=measure(code),
                          identified_on=JOINED)
    return attachment


def check(world, attachment, reference):
    services.check_outcomes(user=world.analyst, attachments=[attachment],
                            con=linked_records(), reference=reference)
    attachment.refresh_from_db()
    return {n.measure.code: n for n in PlanNeed.objects.filter(attachment=attachment)}


def test_domestic_abuse_the_day_before_and_the_day_the_sustainment_period_ends(world, plan):
    needs = check(world, plan, D(2025, 8, 15))  # window 15 Feb – 15 Aug holds the incident
    da = needs["no-incident"]
    assert (da.met, da.sustained, da.sustained_from) == (False, False, D(2025, 8, 16))
    assert [(e["record"], e["agency"], e["date"], e["counted"]) for e in da.evidence] == [
        ("domestic_abuse:0:A1", "Police / MARAC", "2025-02-15", True)]
    assert not plan.claimable

    da = check(world, plan, D(2025, 8, 16))["no-incident"]  # window from 16 February
    assert (da.met, da.sustained, da.sustained_from) == (True, True, D(2025, 8, 16))
    # The incident is still shown: inside the programme, out of the window.
    assert [(e["date"], e["in_window"], e["counted"]) for e in da.evidence] == [
        ("2025-02-15", False, False)]


def test_attendance_needs_three_terms_after_joining(world, plan):
    # 31 Dec 2025: window 31 Dec 2024 – 31 Dec 2025 holds three terms at 2.5% (15/600) – met;
    # the window starts before 1 January 2025, so not yet sustained.
    att = check(world, plan, D(2025, 12, 31))["attendance"]
    assert (att.met, att.sustained, att.sustained_from) == (True, False, D(2026, 1, 1))
    assert [e["date"] for e in att.evidence if e["in_window"]] == [
        "2025-01-06", "2025-04-22", "2025-09-01"]
    # 1 Jan 2026: sustained; with the domestic abuse need sustained too, claimable.
    needs = check(world, plan, D(2026, 1, 1))
    assert needs["attendance"].sustained and needs["no-incident"].sustained
    assert plan.claimable


def test_attendance_with_the_bad_term_in_the_window_is_not_met(world, plan):
    # 2 Sep 2025: window from 2 Sep 2024 takes in the autumn term: 35/600 = 5.8% – under 10%.
    assert check(world, plan, D(2025, 9, 2))["attendance"].met
    # A window holding only the autumn term (starting 2 Sep 2024, ref 5 Jan 2025): 10% – not met.
    att = check(world, plan, D(2025, 1, 5))["attendance"]
    assert not att.met and att.evidence[0]["counted"]


def test_no_attendance_records_is_not_good_attendance(world):
    framework = Framework.objects.get(code="sf-2022-25")
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=world.family, attached_on=JOINED,
                                        household_key="H2")
    services.add_need(user=world.analyst, attachment=attachment, measure=measure("attendance"),
                      identified_on=JOINED)
    att = check(world, attachment, D(2026, 1, 1))["attendance"]
    assert not att.met and "no records from Schools (census)" in att.finding


def test_continuous_employment_makes_a_family_claimable_where_allowed(world):
    framework = Framework.objects.get(code="sf-2022-25")
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=world.family, attached_on=D(2025, 3, 1),
                                        household_key="H2")
    services.add_need(user=world.analyst, attachment=attachment,
                      measure=measure("no-incident"), identified_on=D(2025, 3, 1))
    check(world, attachment, D(2025, 8, 31))  # six months from 1 March ends 1 September
    assert not attachment.in_work_sustained
    check(world, attachment, D(2025, 9, 1))
    assert attachment.in_work_sustained and attachment.claimable


def test_refused_users_change_nothing(world):
    framework = Framework.objects.get(code="sf-2022-25")
    for user in (world.worker, world.partner, world.front_door):
        with pytest.raises(PermissionDenied):
            services.attach_family(user=user, framework=framework, family=world.family,
                                   attached_on=JOINED)
    with pytest.raises(PermissionDenied):
        services.check_outcomes(user=world.worker, attachments=[], con=None, reference=JOINED)
    assert not framework.families.exists()


def test_bad_input_is_refused_with_a_message(world, plan):
    framework = plan.framework
    with pytest.raises(ValidationError, match="already on"):
        services.attach_family(user=world.analyst, framework=framework, family=world.family,
                               attached_on=JOINED)
    history = Framework.objects.get(code="phase-1")
    with pytest.raises(ValidationError, match="kept for history"):
        services.attach_family(user=world.analyst, framework=history, family=world.family,
                               attached_on=JOINED)
    other = Family.objects.create(name="The Other household")
    with pytest.raises(ValidationError, match="today or in the past"):
        services.attach_family(user=world.analyst, framework=framework, family=other,
                               attached_on=dt.date(2099, 1, 1))
    old = Measure.objects.get(outcome__framework=history, code="in-work")
    with pytest.raises(ValidationError, match="this family's programme"):
        services.add_need(user=world.analyst, attachment=plan, measure=old, identified_on=JOINED)
    with pytest.raises(ValidationError, match="already has"):
        services.add_need(user=world.analyst, attachment=plan, measure=measure("attendance"),
                          identified_on=JOINED)
    assert plan.needs.count() == 2


def test_writes_are_audited(world, plan):
    rows = AuditEvent.objects.filter(family_id=world.family.pk, object_type__startswith="results")
    assert rows.count() == 3  # the attachment and two needs
    check(world, plan, D(2025, 8, 16))
    assert rows.count() == 4


def test_shipped_frameworks_and_a_local_one(db):
    codes = dict(Framework.objects.values_list("code", "is_active"))
    assert codes == {"sf-2022-25": True, "phase-2": False, "phase-1": False}
    assert Framework.objects.get(code="sf-2022-25").outcomes.count() == 10
    bad = Measure(outcome=Framework.objects.get(code="sf-2022-25").outcomes.first(), code="x",
                  name="x", met_when="absent", sustain_months=6,
                  rule={"who": "child", "any_of": [{"source": "nope"}]})
    with pytest.raises(ValidationError, match="unknown source"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "police", "window_months": 3}]}
    with pytest.raises(ValidationError, match="sustainment period"):
        bad.full_clean()


# The whole check reads and writes in a fixed number of queries, however many families: the
# needs in one read, the employment measure in one, one UPDATE per table (executemany), the audit
# rows in one INSERT (bench/results_outcomes.py: 62.3 s -> 9.2 s for 1,000 families).
CHECK_QUERIES = 7


@pytest.mark.parametrize("families", [1, 4])
@pytest.mark.parametrize("read_needs", ["by id", "by programme"])
def test_checking_outcomes_takes_the_same_queries_for_any_number_of_families(
        world, families, read_needs, django_assert_num_queries, monkeypatch):
    from earlyhelp.people.tests.factories import FamilyFactory

    if read_needs == "by programme":  # what a big check does (results.selection)
        monkeypatch.setattr(selection, "MANY_FAMILIES", 0)

    framework = Framework.objects.get(code="sf-2022-25")
    attachments = []
    for i in range(families):
        family = world.family if i == 0 else FamilyFactory()
        attachment = services.attach_family(user=world.analyst, framework=framework,
                                            family=family, attached_on=JOINED,
                                            household_key="H1" if i % 2 == 0 else "H2")
        for code in ("no-incident", "attendance"):
            services.add_need(user=world.analyst, attachment=attachment, measure=measure(code),
                              identified_on=JOINED)
        attachments.append(attachment)
    attachments = list(framework.families.select_related("framework__employment_measure"))
    # A family on the same programme that this check was not asked about is left alone.
    left_out = services.attach_family(user=world.analyst, framework=framework,
                                      family=FamilyFactory(), attached_on=JOINED,
                                      household_key="H2")
    services.add_need(user=world.analyst, attachment=left_out, measure=measure("no-incident"),
                      identified_on=JOINED)
    con = linked_records()
    with django_assert_num_queries(CHECK_QUERIES):
        counts = services.check_outcomes(user=world.analyst, attachments=attachments, con=con,
                                         reference=D(2026, 1, 1))
    assert counts["families"] == families and counts["needs"] == 2 * families
    assert PlanNeed.objects.filter(checked_on=D(2026, 1, 1)).count() == 2 * families
    assert not PlanNeed.objects.get(attachment=left_out).checked_on
    assert AuditEvent.objects.filter(detail__startswith="Outcomes checked on 2026-01-01").count() \
        == families
