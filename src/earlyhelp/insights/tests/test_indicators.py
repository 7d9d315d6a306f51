"""Each indicator against a small known world: exact values, boundaries and awkward families."""

import datetime as dt

import pytest

from earlyhelp.assessments.tests.factories import PresentingNeedFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.tests.factories import (
    OrganisationFactory,
    SchoolFactory,
    TeamFactory,
    UserFactory,
)
from earlyhelp.frontdoor import services as frontdoor
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.insights.periods import period_containing
from earlyhelp.insights.registry import REGISTRY, Context, Scope
from earlyhelp.people.tests.factories import FamilyFactory, MembershipFactory, PersonFactory
from earlyhelp.thresholds.tests.factories import NeedThemeFactory, four_level_model

from .factories import (
    AssessmentFactory,
    DecisionFactory,
    ReviewFactory,
    closed_episode,
    completed_assessment,
    household_with_child,
    local,
    score,
    step_up,
)

pytestmark = pytest.mark.django_db

MARCH = period_containing("month", dt.date(2026, 3, 1))
FEBRUARY = MARCH.previous()


def compute(code, period=MARCH, *, filters=None, by=None, scope=None, **parameters):
    """{period_key: Result} (or {group: {period_key: Result}} with `by`) for February and the
    period."""
    ctx = Context(scope=scope or Scope(), filters=filters or {}, parameters=parameters)
    out = REGISTRY[code].compute(ctx, [period.previous(), period], by=by)
    return out if by else out.get(None, {})


def value(code, period=MARCH, **kwargs):
    result = compute(code, period, **kwargs).get(period.key)
    return result.value if result else None


def parts(code, period=MARCH, **kwargs):
    result = compute(code, period, **kwargs)[period.key]
    return {p.key: (p.value, None if p.share is None else round(p.share, 1)) for p in result.parts}


@pytest.fixture
def model():
    return four_level_model()


@pytest.fixture
def council():
    return OrganisationFactory(name="Borough Council", type="council", is_council=True)


@pytest.fixture
def school():
    return SchoolFactory(name="Oak Primary")


# --- initiation -------------------------------------------------------------------------------

def test_new_assessments_counts_by_start_date_with_month_boundaries(council, school):
    AssessmentFactory(started_on=dt.date(2026, 2, 28), completing_organisation=council)
    AssessmentFactory(started_on=dt.date(2026, 3, 1), completing_organisation=council)
    AssessmentFactory(started_on=dt.date(2026, 3, 31), completing_organisation=school)
    AssessmentFactory(started_on=dt.date(2026, 4, 1), completing_organisation=school)

    figures = compute("new_assessments")
    assert figures[MARCH.key].value == 2
    assert figures[FEBRUARY.key].value == 1
    split = parts("new_assessments")
    assert split["council"] == (1, 50.0)
    assert split["partner"] == (1, 50.0)
    assert split["type_school"] == (1, 50.0)
    assert split["type_health"] == (0, 0.0)
    assert value("partner_assessments") == 50.0
    assert value("partner_assessments", FEBRUARY) == 0.0


def test_an_empty_period_has_no_rate_rather_than_zero():
    assert value("partner_assessments") is None
    assert value("new_assessments") == 0


def test_contacts_use_local_time_at_the_edges_of_the_month():
    ContactFactory(received_at=local(2026, 2, 28, 23, 59), source="2A")
    ContactFactory(received_at=local(2026, 3, 1, 0, 5), source="3B")
    # 31 March 23:30 and 1 April 00:30 in summer time: 1 April is still 31 March in UTC.
    ContactFactory(received_at=local(2026, 3, 31, 23, 30), source="1A")
    ContactFactory(received_at=local(2026, 4, 1, 0, 30), source="6")

    assert value("contacts") == 2
    assert value("contacts", FEBRUARY) == 1
    assert value("contacts", period_containing("month", dt.date(2026, 4, 1))) == 1
    split = parts("contacts")
    assert split["health"] == (1, 50.0)
    assert split["individual"] == (1, 50.0)
    assert split["police"] == (0, 0.0)


def test_triage_decisions_by_outcome(model):
    for outcome in ["early_help", "early_help", "signpost", "step_up"]:
        DecisionFactory(contact=ContactFactory(received_at=local(2026, 3, 2)), outcome=outcome,
                        threshold_model=model, level=model.levels.get(rank=2))
    DecisionFactory(contact=ContactFactory(received_at=local(2026, 2, 27)), outcome="nfa",
                    threshold_model=model, level=model.levels.get(rank=1),
                    decided_at=local(2026, 3, 1, 9))  # decided in March
    assert value("triage_decisions") == 5
    split = parts("triage_decisions")
    assert split["early_help"] == (2, 40.0)
    assert split["nfa"] == (1, 20.0)
    assert split["attach"] == (0, 0.0)


def test_triage_timeliness_against_the_rag_timescales(model):
    def decision(priority, rag, hours):
        contact = ContactFactory(received_at=local(2026, 3, 10, 9), priority=priority)
        return DecisionFactory(contact=contact, rag=rag, threshold_model=model,
                               level=model.levels.get(rank=2),
                               decided_at=contact.received_at + dt.timedelta(hours=hours))

    decision("red", "amber", 3)  # the screening priority sets the clock: red, 4 hours – in time
    decision("red", "red", 5)  # late
    decision("", "amber", 24)  # no priority: the decision's amber, 24 hours – exactly in time
    decision("", "green", 73)  # late
    assert value("triage_timeliness") == 50.0
    split = parts("triage_timeliness")
    assert split == {"red": (50.0, None), "amber": (100.0, None), "green": (0.0, None)}
    # One source for the timescales (cases.Timescales, applied by frontdoor.rules.decision_due
    # when the decision is recorded): an "hours" parameter on the definition changes nothing.
    assert value("triage_timeliness", hours={"red": 6}) == 50.0


def test_routes_in_share_stepped_down():
    for route in ["direct", "direct", "step_down", "universal"]:
        EpisodeFactory(start_date=dt.date(2026, 3, 15), route_in=route)
    EpisodeFactory(start_date=dt.date(2026, 2, 15), route_in="step_down")
    assert value("step_down_share") == 25.0
    assert value("step_down_share", FEBRUARY) == 100.0
    assert parts("step_down_share") == {
        "direct": (2, 50.0), "step_down": (1, 25.0), "universal": (1, 25.0),
    }


def test_need_prevalence_counts_assessments_not_needs():
    dv = NeedThemeFactory(code="dv", name="Domestic violence", order=1)
    mh = NeedThemeFactory(code="mh", name="Mental health", order=2)
    first = AssessmentFactory(started_on=dt.date(2026, 3, 3))
    PresentingNeedFactory(assessment=first, theme=dv)
    PresentingNeedFactory(assessment=first, theme=dv)  # two people, one theme: counted once
    PresentingNeedFactory(assessment=first, theme=mh)
    second = AssessmentFactory(started_on=dt.date(2026, 3, 20))
    PresentingNeedFactory(assessment=second, theme=dv)
    AssessmentFactory(started_on=dt.date(2026, 3, 21))  # no needs recorded
    PresentingNeedFactory(assessment=AssessmentFactory(started_on=dt.date(2026, 2, 1)), theme=mh)

    assert value("need_prevalence") == 2
    assert parts("need_prevalence") == {"dv": (2, 100.0), "mh": (1, 50.0)}
    assert value("need_prevalence", FEBRUARY) == 1


# --- progress ---------------------------------------------------------------------------------

@pytest.fixture
def caseload(model):
    """Five episodes around the end of March 2026."""
    level2, level3 = model.levels.get(rank=2), model.levels.get(rank=3)
    return {
        "year_old": EpisodeFactory(start_date=dt.date(2025, 4, 1), level=level2),
        "closed_on_31st": closed_episode(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)),
        "opened_on_31st": EpisodeFactory(start_date=dt.date(2026, 3, 31), level=level3),
        "opened_in_april": EpisodeFactory(start_date=dt.date(2026, 4, 1)),
        # Spans the period boundary: open at the end of March, closed in April.
        "spanning": closed_episode(start=dt.date(2025, 10, 1), end=dt.date(2026, 4, 15),
                                   level=level2),
    }


def test_open_episodes_at_the_end_of_the_period(caseload):
    assert value("open_episodes") == 3  # year old, opened on the 31st, spanning
    assert parts("open_episodes")["early_help"] == (2, 66.7)
    assert parts("open_episodes")["targeted"] == (1, 33.3)
    assert parts("open_episodes")["none"] == (0, 0.0)
    # At the end of February: the year old one, the one that closed on 31 March, the spanning one.
    assert value("open_episodes", FEBRUARY) == 3


def test_average_and_median_time_open(caseload):
    days = [
        (dt.date(2026, 3, 31) - dt.date(2025, 4, 1)).days,  # 364
        0,
        (dt.date(2026, 3, 31) - dt.date(2025, 10, 1)).days,  # 181
    ]
    assert value("open_duration_average") == pytest.approx(sum(days) / 3)
    assert value("open_duration_median") == 181
    feb = [(dt.date(2026, 2, 28) - start).days
           for start in (dt.date(2025, 4, 1), dt.date(2026, 1, 1), dt.date(2025, 10, 1))]
    assert value("open_duration_median", FEBRUARY) == sorted(feb)[1]
    # Per level: early help holds the year-old (364) and spanning (181) episodes.
    assert parts("open_duration_median")["early_help"] == ((364 + 181) / 2, None)
    assert parts("open_duration_average")["targeted"] == (0, None)


def test_median_of_an_even_number_is_the_mean_of_the_middle_two():
    EpisodeFactory(start_date=dt.date(2026, 3, 21))  # 10 days on 31 March
    EpisodeFactory(start_date=dt.date(2026, 3, 1))  # 30 days
    assert value("open_duration_median") == 20


def test_assessments_completed_within_the_local_timescale():
    completed_assessment(started=dt.date(2026, 2, 1), completed=dt.date(2026, 3, 18))  # 45 days
    completed_assessment(started=dt.date(2026, 1, 1), completed=dt.date(2026, 3, 2))  # 60 days
    AssessmentFactory(started_on=dt.date(2026, 3, 1))  # still in progress: not counted
    completed_assessment(started=dt.date(2025, 12, 1), completed=dt.date(2026, 2, 10))  # late
    assert value("assessments_on_time") == 50.0
    result = compute("assessments_on_time")[MARCH.key]
    assert (result.numerator, result.denominator) == (1, 2)
    assert value("assessments_on_time", days=60) == 100.0
    assert value("assessments_on_time", FEBRUARY) == 0.0


def test_reviews_on_time_are_judged_against_the_date_the_last_review_set():
    open_episode = EpisodeFactory(start_date=dt.date(2025, 12, 1))
    ReviewFactory(episode=open_episode, held_on=dt.date(2026, 1, 10),
                  next_review_due=dt.date(2026, 3, 10))
    # Held on the due date: on time. Sets the next due date, 25 March, which is missed.
    ReviewFactory(episode=open_episode, held_on=dt.date(2026, 3, 10),
                  next_review_due=dt.date(2026, 3, 25))
    ReviewFactory(episode=open_episode, held_on=dt.date(2026, 3, 28),
                  next_review_due=dt.date(2026, 5, 1))
    # Closed before its review fell due: no review was due.
    closed_early = closed_episode(start=dt.date(2025, 12, 1), end=dt.date(2026, 3, 5))
    ReviewFactory(episode=closed_early, held_on=dt.date(2026, 2, 1),
                  next_review_due=dt.date(2026, 3, 15))
    # Closed after the due date with no review: late.
    closed_late = closed_episode(start=dt.date(2025, 12, 1), end=dt.date(2026, 3, 25))
    ReviewFactory(episode=closed_late, held_on=dt.date(2026, 2, 15),
                  next_review_due=dt.date(2026, 3, 20))

    result = compute("reviews_on_time")[MARCH.key]
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.value == pytest.approx(100 / 3)


# --- outcomes ---------------------------------------------------------------------------------

def test_closures_by_outcome_and_the_needs_met_rate():
    for outcome in ["needs_met", "needs_met", "stepped_up", "disengaged", "moved_away"]:
        closed_episode(end=dt.date(2026, 3, 20), outcome=outcome)
    closed_episode(end=dt.date(2026, 4, 1), outcome="needs_met")  # April
    closed_episode(end=dt.date(2026, 2, 28), outcome="other")  # February
    assert value("closures") == 5
    split = parts("closures")
    assert split["needs_met"] == (2, 40.0)
    assert split["stepped_up"] == (1, 20.0)
    assert split["other"] == (2, 40.0)
    assert split["outcome_moved_away"] == (1, 20.0)
    assert value("needs_met_rate") == 40.0
    assert value("needs_met_rate", FEBRUARY) == 0.0


def test_re_referrals_follow_a_child_into_their_other_household(council):
    """A child lives with mum (closed 9 months ago) and dad: a contact about dad's household is
    a re-referral. A family closed 13 months ago is not."""
    front_door = UserFactory(username="fd", role="front_door")
    mums, child = household_with_child(name="Mum's household")
    dads, _ = household_with_child(child, name="Dad's household")
    closed_episode(family=mums, end=dt.date(2025, 6, 30))
    long_ago, other_child = household_with_child(name="Closed long ago")
    closed_episode(family=long_ago, end=dt.date(2025, 2, 9))
    never, stranger = household_with_child(name="Never known")

    def contact(family, person):
        return frontdoor.contact_create(
            acting_user=front_door, family=family, people=[person], source="2A",
            referrer_name="Jo", concerns="Worried.", family_consents_to_request="yes",
            family_consents_to_share="yes", received_at=local(2026, 3, 10),
        )

    assert contact(dads, child).is_re_referral
    assert not contact(long_ago, other_child).is_re_referral
    assert not contact(never, stranger).is_re_referral
    result = compute("re_referral_rate")[MARCH.key]
    assert (result.numerator, result.denominator) == (1, 3)


def test_step_ups_within_twelve_months_of_an_early_help_closure(model):
    def decision_for(family, closed):
        contact = ContactFactory(family=family, received_at=local(2026, 3, 3),
                                 is_re_referral=True, re_referral_of=closed)
        return DecisionFactory(contact=contact, outcome="step_up", threshold_model=model,
                               level=model.levels.get(rank=4), rag="red")

    # (a) closed with needs met, re-referred and stepped up at the front door: counts.
    front = FamilyFactory()
    decision_for(front, closed_episode(family=front, end=dt.date(2025, 12, 1)))
    # (b) a re-opened family: closed, opened again, stepped up within 12 months: counts.
    reopened = FamilyFactory()
    closed_episode(family=reopened, end=dt.date(2025, 9, 1))
    step_up(EpisodeFactory(family=reopened, start_date=dt.date(2026, 1, 10)), dt.date(2026, 3, 15))
    # (c) stepped down from social care, then stepped up: no early help closure before: not.
    stepped_down = EpisodeFactory(start_date=dt.date(2025, 11, 1), route_in="step_down")
    step_up(stepped_down, dt.date(2026, 3, 20))
    # (d) a child in two households: mum's closed in May 2025, dad's stepped up: counts.
    mums, child = household_with_child()
    dads, _ = household_with_child(child)
    closed_episode(family=mums, end=dt.date(2025, 5, 1), outcome="other")
    step_up(EpisodeFactory(family=dads, start_date=dt.date(2026, 2, 1)), dt.date(2026, 3, 5))
    # (e) closed 13 months before the step-up: not.
    old = FamilyFactory()
    closed_episode(family=old, end=dt.date(2025, 2, 9))
    step_up(EpisodeFactory(family=old, start_date=dt.date(2026, 1, 1)), dt.date(2026, 3, 10))
    # (f) the earlier closure was itself a step-up: not (it is already counted as one).
    twice = FamilyFactory()
    closed_episode(family=twice, end=dt.date(2025, 10, 1), outcome="stepped_up")
    step_up(EpisodeFactory(family=twice, start_date=dt.date(2026, 1, 1)), dt.date(2026, 3, 12))
    # A front-door step-up that is not a re-referral: not.
    DecisionFactory(contact=ContactFactory(received_at=local(2026, 3, 3)), outcome="step_up",
                    threshold_model=model, level=model.levels.get(rank=4))

    assert value("step_ups_after_closure") == 3
    assert parts("step_ups_after_closure") == {
        "front_door": (1, pytest.approx(33.3, abs=0.1)),
        "episode": (2, pytest.approx(66.7, abs=0.1)),
    }


def test_step_up_on_the_anniversary_of_the_closure_still_counts():
    family = FamilyFactory()
    closed_episode(family=family, end=dt.date(2025, 3, 31))
    step_up(EpisodeFactory(family=family, start_date=dt.date(2026, 1, 1)), dt.date(2026, 3, 31))
    assert value("step_ups_after_closure") == 1


def test_progress_change_from_baseline_to_the_last_review_score():
    dv = NeedThemeFactory(code="dv", name="Domestic violence", order=1)
    mh = NeedThemeFactory(code="mh", name="Mental health", order=2)
    episode = closed_episode(start=dt.date(2025, 10, 1), end=dt.date(2026, 3, 20))
    assessment = completed_assessment(episode=episode, started=dt.date(2025, 10, 5),
                                      completed=dt.date(2025, 11, 1))
    dv_need = PresentingNeedFactory(assessment=assessment, theme=dv, baseline_score=3)
    mh_need = PresentingNeedFactory(assessment=assessment, theme=mh, baseline_score=4)
    PresentingNeedFactory(assessment=assessment, theme=dv, baseline_score=2)  # never scored
    later = ReviewFactory(episode=episode, held_on=dt.date(2026, 2, 1))
    earlier = ReviewFactory(episode=episode, held_on=dt.date(2025, 12, 1))  # recorded after
    score(later, dv_need, 7)
    score(earlier, dv_need, 5)
    score(earlier, mh_need, 5)
    # An episode closed in February does not count in March.
    other = closed_episode(end=dt.date(2026, 2, 10))
    need = PresentingNeedFactory(assessment=completed_assessment(
        episode=other, started=dt.date(2025, 12, 1), completed=dt.date(2025, 12, 20)),
        baseline_score=1)
    score(ReviewFactory(episode=other, held_on=dt.date(2026, 1, 5)), need, 10)

    assert value("progress_change") == 2.5  # (+4 and +1) / 2
    assert parts("progress_change") == {"dv": (4.0, None), "mh": (1.0, None)}
    assert value("progress_change", FEBRUARY) == 9.0


# --- periods, filters, breakdowns, scope -------------------------------------------------------

def test_quarters_and_years_add_up_the_months(council):
    for day in [dt.date(2026, 1, 5), dt.date(2026, 3, 31), dt.date(2026, 4, 1),
                dt.date(2025, 4, 1)]:
        AssessmentFactory(started_on=day, completing_organisation=council)
    quarter = period_containing("quarter", dt.date(2026, 2, 1))  # January to March 2026
    year = period_containing("year", dt.date(2026, 2, 1))  # 2025 to 2026
    assert value("new_assessments", quarter) == 2
    assert value("new_assessments", year) == 3


def test_breakdown_by_team_and_filter_by_locality():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    from earlyhelp.core.tests.factories import LocalityFactory

    riverside = LocalityFactory(name="Riverside", code="RIV")
    there = FamilyFactory(locality=riverside)
    EpisodeFactory(team=north, family=there, start_date=dt.date(2026, 3, 2))
    EpisodeFactory(team=north, start_date=dt.date(2026, 3, 3), route_in="step_down")
    EpisodeFactory(team=south, start_date=dt.date(2026, 3, 4))

    by_team = compute("step_down_share", by="team")
    assert by_team[north.pk][MARCH.key].value == 50.0
    assert by_team[south.pk][MARCH.key].value == 0.0
    by_locality = compute("step_down_share", by="locality")
    assert by_locality["__none__"][MARCH.key].denominator == 2
    assert value("step_down_share", filters={"locality": riverside.pk}) == 0.0
    assert compute("step_down_share", filters={"locality": riverside.pk})[MARCH.key] \
        .denominator == 1


def test_a_service_scope_counts_only_its_teams():
    mine = TeamFactory(name="Mine")
    theirs = TeamFactory(name="Theirs", service__name="Another service")
    closed_episode(team=mine, end=dt.date(2026, 3, 2))
    closed_episode(team=theirs, end=dt.date(2026, 3, 2))
    closed_episode(team=theirs, end=dt.date(2026, 3, 3))
    assert value("closures") == 3
    assert value("closures", scope=Scope(team_ids=[mine.pk])) == 1
    assert value("closures", scope=Scope(team_ids=[theirs.pk])) == 2
    assert value("closures", scope=Scope(team_ids=[])) == 0


def test_every_registered_indicator_has_a_shipped_definition():
    from earlyhelp.insights.models import IndicatorDefinition

    assert set(IndicatorDefinition.objects.values_list("code", flat=True)) == set(REGISTRY)


def test_people_in_two_households_are_one_child_in_annex_a_terms():
    """Guard for the factories above: a child in two households is one person."""
    child = PersonFactory()
    first, second = FamilyFactory(), FamilyFactory()
    MembershipFactory(family=first, person=child)
    MembershipFactory(family=second, person=child)
    assert child.memberships.count() == 2
