"""Annex A Lists 1 and 2 on a small borough built by hand: every expected row worked out below.

Inspection date D = Friday 15 May 2026. The six-month window (docs/decisions/insights-annex-a.md)
runs from 15 November 2025 to 15 May 2026, both days inclusive.
"""

import datetime as dt

import pytest

from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.tests.factories import OrganisationFactory, TeamFactory
from earlyhelp.frontdoor.models import ContactPerson
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.insights import annexa
from earlyhelp.people.tests.factories import (
    AdultFactory,
    FamilyFactory,
    MembershipFactory,
    PersonFactory,
)

from .factories import AssessmentFactory, closed_episode, completed_assessment, local

pytestmark = pytest.mark.django_db

D = dt.date(2026, 5, 15)


def child(local_id, born, sex="F", ethnicity="WBRI", family=None, joined=None):
    person = PersonFactory(given_name=local_id, local_id=local_id, date_of_birth=born, sex=sex,
                           ethnicity=ethnicity)
    if family is not None:
        MembershipFactory(family=family, person=person, start_date=joined or born)
    return person


@pytest.fixture
def borough():
    council = OrganisationFactory(name="Borough Council", type="council", is_council=True)
    school = OrganisationFactory(name="Oak Primary", type="school", is_council=False)
    charity = OrganisationFactory(name="Family Action", type="voluntary", is_council=False)
    team = TeamFactory(name="5-18 team", organisation=council)
    charity_team = TeamFactory(name="Family Action team", organisation=charity)

    # 1. Ahmed: an episode open on D since October 2025. Two assessments, both started before
    # the window: only the latest (A1) is the current intervention's. Aisha turns 10 on D.
    ahmed = FamilyFactory(name="Ahmed household")
    aisha = child("AISHA", dt.date(2016, 5, 15), family=ahmed)
    bilal = child("BILAL", dt.date(2019, 1, 20), sex="M", ethnicity="APKN", family=ahmed)
    mum = AdultFactory(local_id="MUM")
    MembershipFactory(family=ahmed, person=mum, role="adult", start_date=dt.date(2010, 1, 1))
    e1 = EpisodeFactory(family=ahmed, team=team, start_date=dt.date(2025, 10, 1))
    completed_assessment(episode=e1, started=dt.date(2025, 10, 2), completed=dt.date(2025, 10, 4),
                         completing_organisation=council)  # A0: not the latest, before the window
    completed_assessment(episode=e1, started=dt.date(2025, 10, 5), completed=dt.date(2025, 11, 20),
                         completing_organisation=council)  # A1: covers Aisha and Bilal

    # 2. Brown: an assessment abandoned (never completed) in an episode closed in September 2025.
    brown = FamilyFactory(name="Brown household")
    cara = child("CARA", dt.date(2010, 5, 16), family=brown)  # 15 on D, 16 the day after
    e2 = closed_episode(family=brown, team=team, start=dt.date(2025, 3, 1),
                        end=dt.date(2025, 9, 30), outcome="disengaged")
    AssessmentFactory(episode=e2, started_on=dt.date(2025, 3, 5), completing_organisation=council)

    # 3. Clarke: Dan is in two assessments; Eve joined the household after the first one.
    clarke = FamilyFactory(name="Clarke household")
    dan = child("DAN", dt.date(2014, 2, 28), sex="M", ethnicity="BCRB", family=clarke)
    eve = child("EVE", dt.date(2012, 7, 1), family=clarke, joined=dt.date(2026, 2, 1))
    e3 = closed_episode(family=clarke, team=team, start=dt.date(2025, 11, 1),
                        end=dt.date(2026, 1, 31))
    completed_assessment(episode=e3, started=dt.date(2025, 11, 15),  # the window's first day
                         completed=dt.date(2025, 12, 20), completing_organisation=school)
    e4 = EpisodeFactory(family=clarke, team=team, start_date=dt.date(2026, 3, 1))
    AssessmentFactory(episode=e4, started_on=dt.date(2026, 3, 10),
                      completing_organisation=council)  # in progress: Dan and Eve

    # 4. Davies: started the day before the window opens, in an episode closed before D.
    davies = FamilyFactory(name="Davies household")
    child("FINN", dt.date(2018, 3, 3), sex="M", family=davies)
    e5 = closed_episode(family=davies, team=team, start=dt.date(2025, 10, 1),
                        end=dt.date(2026, 1, 10))
    completed_assessment(episode=e5, started=dt.date(2025, 11, 14), completed=dt.date(2025, 12, 1),
                         completing_organisation=council)

    # 5. Evans: started on D itself (in); Gale: started the day after D (out), episode open on D.
    evans = FamilyFactory(name="Evans household")
    child("GUS", dt.date(2020, 8, 8), sex="M", family=evans)
    e6 = EpisodeFactory(family=evans, team=team, start_date=dt.date(2026, 5, 1))
    AssessmentFactory(episode=e6, started_on=D, completing_organisation=council)
    gale = FamilyFactory(name="Gale household")
    child("GALE", dt.date(2017, 4, 4), family=gale)
    e7 = EpisodeFactory(family=gale, team=team, start_date=dt.date(2026, 5, 10))
    AssessmentFactory(episode=e7, started_on=dt.date(2026, 5, 16), completing_organisation=council)

    # 6. Foster: a whole-family assessment edited to cover Hana only (Ivy is not assessed).
    foster = FamilyFactory(name="Foster household")
    hana = child("HANA", dt.date(2013, 9, 9), family=foster)
    child("IVY", dt.date(2015, 10, 10), family=foster)
    e8 = EpisodeFactory(family=foster, team=team, start_date=dt.date(2026, 1, 5))
    completed_assessment(episode=e8, started=dt.date(2026, 1, 6), completed=dt.date(2026, 2, 6),
                         completing_organisation=council, children=[hana])

    # 7. Jones: held by a charity since 2024 – not a council intervention, old assessment: out.
    jones = FamilyFactory(name="Jones household")
    child("JONES", dt.date(2016, 6, 6), family=jones)
    e9 = EpisodeFactory(family=jones, team=charity_team, start_date=dt.date(2024, 1, 1))
    completed_assessment(episode=e9, started=dt.date(2024, 1, 2), completed=dt.date(2024, 2, 1),
                         completing_organisation=charity)

    # Contacts for List 1.
    def contact(at, source, *people, not_subject=()):
        c = ContactFactory(received_at=at, source=source, family=None)
        for p in people:
            ContactPerson.objects.create(contact=c, person=p, is_subject=True)
        for p in not_subject:
            ContactPerson.objects.create(contact=c, person=p, is_subject=False)

    contact(local(2026, 5, 15, 23, 30), "3B", aisha, mum)  # D's last half hour; mum is an adult
    contact(local(2025, 11, 15, 0, 10), "2A", bilal)  # the window's first day
    contact(local(2025, 11, 14, 23, 50), "6", cara)  # the day before: out
    contact(local(2026, 5, 16, 0, 5), "6", cara)  # the day after D: out
    jack = child("JACK", dt.date(2007, 12, 1))  # 18 on 1 December 2025
    contact(local(2026, 1, 10, 9), "5D", cara, jack, not_subject=[dan])
    return locals()


def test_list_2_holds_exactly_the_rows_worked_out_by_hand(borough):
    rows = annexa.list_2_rows(D)
    council, school = "Borough Council", "Oak Primary"
    assert rows == [
        # A1: the open episode's latest assessment, started before the window: both children.
        # Aisha turns 10 on D: 10. A0 (2 October 2025) is not the latest: no row.
        ["AISHA", "b) Female", "a) WBRI", dt.date(2016, 5, 15), 10,
         dt.date(2025, 10, 5), dt.date(2025, 11, 20), council],
        ["BILAL", "a) Male", "k) APKN", dt.date(2019, 1, 20), 7,
         dt.date(2025, 10, 5), dt.date(2025, 11, 20), council],
        # CARA's abandoned assessment (March 2025, episode closed): no row.
        # DAN: in two assessments – the first started on the window's first day.
        ["DAN", "a) Male", "n) BCRB", dt.date(2014, 2, 28), 12,
         dt.date(2025, 11, 15), dt.date(2025, 12, 20), school],
        ["DAN", "a) Male", "n) BCRB", dt.date(2014, 2, 28), 12,
         dt.date(2026, 3, 10), None, council],
        # EVE joined in February 2026: only in the second Clarke assessment.
        ["EVE", "b) Female", "a) WBRI", dt.date(2012, 7, 1), 13,
         dt.date(2026, 3, 10), None, council],
        # FINN's assessment started the day before the window: no row. GALE's after D: no row.
        ["GUS", "a) Male", "a) WBRI", dt.date(2020, 8, 8), 5, D, None, council],
        # Foster: covers Hana only, as edited. JONES (charity-held): no row.
        ["HANA", "b) Female", "a) WBRI", dt.date(2013, 9, 9), 12,
         dt.date(2026, 1, 6), dt.date(2026, 2, 6), council],
    ]


def test_the_six_month_boundary_both_edges(borough):
    """15 November 2025 is in, 14 November 2025 is out; D is in, the day after D is out."""
    started = set(annexa.list_2_assessments(D).values_list("started_on", flat=True))
    assert dt.date(2025, 11, 15) in started
    assert dt.date(2025, 11, 14) not in started
    assert D in started
    assert dt.date(2026, 5, 16) not in started
    assert annexa.window(D) == (dt.date(2025, 11, 15), D)
    # A shorter month clamps: six months before 31 August is 28 February (29 in a leap year).
    assert annexa.window(dt.date(2026, 8, 31))[0] == dt.date(2026, 2, 28)
    assert annexa.window(dt.date(2028, 8, 31))[0] == dt.date(2028, 2, 29)


def test_an_abandoned_assessment_leaves_the_list_six_months_after_it_started(borough):
    cara_rows = lambda day: [r for r in annexa.list_2_rows(day) if r[0] == "CARA"]  # noqa: E731
    # Started 5 March 2025: listed for an inspection on 5 September 2025 (the window's first day
    # is 5 March) …
    assert len(cara_rows(dt.date(2025, 9, 5))) == 1
    # … and on 29 September, as the latest assessment of an episode still open …
    assert len(cara_rows(dt.date(2025, 9, 29))) == 1
    # … but not once the episode closed (30 September): six months have passed since it started.
    assert cara_rows(dt.date(2025, 9, 30)) == []
    assert cara_rows(D) == []


def test_the_latest_assessment_of_an_open_episode_stays_however_old(borough):
    # Ahmed's A1 started 5 October 2025 and stays while the episode is open.
    ids = [r[0] for r in annexa.list_2_rows(dt.date(2027, 1, 1))]
    assert "AISHA" in ids and "BILAL" in ids
    # Before A1 started, the latest assessment of the open episode was A0.
    rows = [r for r in annexa.list_2_rows(dt.date(2025, 10, 4)) if r[0] == "AISHA"]
    assert [r[5] for r in rows] == [dt.date(2025, 10, 2)]


def test_list_1_holds_exactly_the_rows_worked_out_by_hand(borough):
    rows = annexa.list_1_rows(D)
    assert rows == [
        # Aisha's contact came in at 23:30 on D: in. She turns 10 on D. Mum is an adult: no row.
        ["AISHA", "b) Female", "a) WBRI", dt.date(2016, 5, 15), 10, D, "h) 3B: Health services"],
        # Bilal's contact on the window's first day, ten minutes past midnight: in.
        ["BILAL", "a) Male", "k) APKN", dt.date(2019, 1, 20), 7, dt.date(2025, 11, 15),
         "e) 2A: Schools"],
        # Cara: the contacts at 23:50 the day before the window and 00:05 the day after D are
        # out; 10 January 2026 is in. She is 15 on D (16 the day after). Dan was not a subject.
        # Jack turned 18 on 1 December 2025, before that contact: no row.
        ["CARA", "b) Female", "a) WBRI", dt.date(2010, 5, 16), 15, dt.date(2026, 1, 10),
         "o) 5B: LA services"],
    ]
