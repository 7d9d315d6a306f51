"""The demo borough: realistic rates, valid rows, the same borough for the same seed."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery

from earlyhelp.access.scoping import visible_episodes, visible_families
from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import Episode, Transition
from earlyhelp.core.dates import months_before
from earlyhelp.core.models import AuditEvent, Organisation, Role, User
from earlyhelp.demo.borough import DEMO_LOGINS, DEMO_PASSWORD
from earlyhelp.demo.generate import DemoError, generate_borough
from earlyhelp.demo.summary import borough_rates
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.people.identifiers import nhs_number_is_valid, upn_is_valid
from earlyhelp.people.models import Family, Membership, Person
from earlyhelp.plans.models import PlanAction, Review

TODAY = dt.date(2026, 6, 4)
# Casework twice an English borough's rates, so 400 families give enough closures to judge them.
SMALL = {"families": 400, "seed": 7, "today": TODAY, "case_rate": 2}


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker):
    """One generated borough shared by this module's tests, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate_borough(**SMALL)
        yield result, borough_rates(TODAY)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_rates_fall_near_barnets(borough):
    _, rates = borough
    assert rates["families"] == 400
    assert 850 <= rates["children"] <= 1150  # about 2.4 children a family
    assert 40 <= rates["needs_met_pct"] <= 60
    assert 12 <= rates["stepped_up_pct"] <= 28
    assert 35 <= rates["stepped_down_pct"] <= 65
    assert 5 <= rates["re_referral_pct"] <= 35
    # 3% of children begin early help a year (twice that here): ~59 a year, ~38 open at a time.
    assert 20 <= rates["open_episodes"] <= 55
    assert 40 <= rates["episodes_begun_last_12_months"] <= 80


def test_volumes_follow_the_referral_rate(borough):
    result, rates = borough
    # 536 referrals per 10,000 children, 2.9 contacts each, twice over: ~305 contacts a year.
    expected = result.rates.contacts_per_year
    assert 280 <= expected <= 330
    assert 0.8 * expected <= rates["contacts_last_12_months"] <= 1.2 * expected
    # About one contact in three is referred on to social care.
    referred = rates["referred_to_social_care_last_12_months"]
    assert 0.25 <= referred / rates["contacts_last_12_months"] <= 0.42


def test_households_are_realistic(borough):
    children = Person.objects.filter(memberships__role="child").distinct()
    born = children.filter(date_of_birth__isnull=False)
    ages = [p.age_on(TODAY) for p in born]
    assert min(ages) >= 0 and max(ages) <= 17
    unborn = children.filter(date_of_birth__isnull=True)
    assert unborn.exists()
    assert all(p.expected_date_of_birth > TODAY for p in unborn)
    assert not Person.objects.filter(
        date_of_birth__isnull=True, expected_date_of_birth__isnull=True
    )
    shared = (
        Membership.objects.filter(role="child", end_date__isnull=True)
        .values("person")
        .annotate(n=Count("family", distinct=True))
        .filter(n__gt=1)
        .count()
    )
    assert 0.02 <= shared / children.count() <= 0.09  # about 5% live in two households
    sizes = Membership.objects.filter(role="parent_carer", end_date__isnull=True).values(
        "family").annotate(n=Count("id")).values_list("n", flat=True)  # fmt: skip
    assert set(sizes) <= {1, 2} and 1 in set(sizes) and 2 in set(sizes)
    assert Person.objects.exclude(ethnicity="WBRI").count() > Person.objects.count() * 0.4


def test_identifiers_pass_their_checks(borough):
    numbers = list(Person.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    assert len(numbers) == len(set(numbers)) > 900
    assert all(n.startswith("999") and nhs_number_is_valid(n) for n in numbers)
    upns = list(Person.objects.exclude(upn="").values_list("upn", flat=True))
    assert len(upns) == len(set(upns)) > 500
    assert all(upn_is_valid(u) for u in upns)


def test_every_row_is_valid_for_its_model(borough):
    from django.apps import apps

    for label in [
        "core.Organisation", "core.User", "people.Family", "people.Person", "people.Membership",
        "frontdoor.Contact", "frontdoor.TriageDecision", "cases.Episode", "cases.TafMember",
        "cases.Transition", "cases.CaseNote", "assessments.Assessment",
        "assessments.PresentingNeed", "plans.Plan", "plans.PlanAction", "plans.Review",
        "plans.FamilyView", "plans.FamilyRating", "plans.ClosingScore",
    ]:  # fmt: skip
        rows = apps.get_model(label).objects.order_by("pk")[:50]
        assert rows, label
        for row in rows:
            row.full_clean(validate_unique=False)


def test_casework_keeps_the_journeys_rules(borough):
    assert not Episode.objects.filter(status="open").values("family").annotate(
        n=Count("id")).filter(n__gt=1).exists()  # fmt: skip
    assert not Episode.objects.filter(closure_outcome="needs_met").exclude(
        assessments__status="completed").exists()  # fmt: skip
    stepped_up = Episode.objects.filter(closure_outcome="stepped_up")
    assert Transition.objects.filter(kind="step_up", cin_code="5D").count() == stepped_up.count()
    stepped_down = Episode.objects.filter(route_in="step_down")
    assert stepped_down.exclude(cin_closure_reason="RC9").count() == 0
    assert Transition.objects.filter(kind="step_down", cin_code="RC9").count() == (
        stepped_down.count())  # fmt: skip
    assert Contact.objects.filter(status="decided").count() == TriageDecision.objects.count()
    assert Contact.objects.filter(status="awaiting_decision").count() >= 3
    for contact in Contact.objects.filter(is_re_referral=True).select_related("re_referral_of"):
        closed = contact.re_referral_of
        received = contact.received_at.date()
        assert closed.status == "closed"
        assert months_before(received, 12) <= closed.end_date <= received
    assert not Contact.objects.filter(is_re_referral=False, re_referral_of__isnull=False).exists()
    decisions = TriageDecision.objects.all()
    overrides = decisions.exclude(level=F("suggested_level"))
    assert 0 < overrides.count() < decisions.count() * 0.15
    assert not overrides.filter(override_reason="").exists()
    assert not decisions.filter(decided_at__lt=F("contact__received_at")).exists()
    # A plan follows the assessment it is built from (plans.rules.plan_follows_assessment).
    from earlyhelp.plans.models import Plan

    first_completed = Assessment.objects.filter(
        episode=OuterRef("episode"), status="completed"
    ).order_by("completed_on").values("completed_on")[:1]
    plans = Plan.objects.annotate(first=Subquery(first_completed))
    assert plans.exists()
    assert not plans.filter(Q(first__isnull=True) | Q(started_on__lt=F("first"))).exists()
    # Every request and decision knows when it was due (the front door's rule), and most of the
    # demo's decisions are on time.
    assert not Contact.objects.filter(decision_due_at__isnull=True).exists()
    assert not decisions.filter(due_at__isnull=True).exists()
    on_time = decisions.filter(decided_at__lte=F("due_at")).count()
    assert decisions.count() * 0.8 < on_time < decisions.count()


def test_assessments_plans_and_reviews_are_timely_and_dated(borough):
    completed = Assessment.objects.filter(status="completed")
    lags = [(a.completed_on - a.started_on).days for a in completed]
    assert sum(lag <= 45 for lag in lags) / len(lags) > 0.7
    assert completed.exclude(completing_organisation__is_council=True).exists()
    assert not Review.objects.filter(next_review_due__lte=F("held_on")).exists()
    open_episodes = Episode.objects.filter(status="open")
    overdue = PlanAction.objects.filter(status="open", due_date__lt=TODAY,
                                        plan__episode__in=open_episodes)  # fmt: skip
    assert overdue.exists()
    assert not PlanAction.objects.filter(status="open", plan__episode__status="closed").exists()
    assert Episode.objects.filter(Q(status="closed") & ~Q(closure_outcome="")).count() == (
        Episode.objects.filter(status="closed").count())  # fmt: skip


def test_one_demo_login_per_role_with_the_demo_password(borough):
    users = {u.username: u for u in User.objects.filter(username__in=list(DEMO_LOGINS))}
    assert {u.role for u in users.values()} == set(Role.values)
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    partner = users["partner"]
    assert partner.organisation.type == "school"
    assert partner.job_title == "Designated safeguarding lead"
    assert visible_families(partner).exists()
    worker = users["worker"]
    assert visible_episodes(worker).filter(status="open", lead_practitioner=worker).count() >= 5
    assert users["admin"].is_superuser


def test_institutions_cover_the_partnership(borough):
    types = set(Organisation.objects.values_list("type", flat=True))
    assert {"school", "early_years", "health", "police", "housing", "childrens_centre",
            "voluntary", "council", "social_care"} <= types  # fmt: skip
    assert all(len(code) == 6 and code.isdigit() for code in Organisation.objects.filter(
        type="school").values_list("code", flat=True))  # fmt: skip


def test_no_audit_rows_are_written(borough):
    assert AuditEvent.objects.count() == 0


def test_a_database_with_families_is_refused_and_left_unchanged(borough):
    before = (Family.objects.count(), Person.objects.count(), User.objects.count())
    with pytest.raises(DemoError, match="only generated into an empty database"):
        generate_borough(families=5, seed=1, today=TODAY)
    assert (Family.objects.count(), Person.objects.count(), User.objects.count()) == before


def test_families_rate_their_outcomes_and_the_dashboard_has_figures(borough):
    # Issue 16: reviews and closures carry the family's own rating and satisfaction.
    from earlyhelp.insights.registry import REGISTRY, Context, Scope
    from earlyhelp.insights.periods import period_containing
    from earlyhelp.plans.models import ClosingScore, FamilyView

    closing = FamilyView.objects.filter(review__isnull=True)
    assert FamilyView.objects.filter(review__isnull=False, ratings__isnull=False).exists()
    assert closing.filter(declined=True).exists()
    assert closing.filter(satisfaction__isnull=False).count() > closing.count() * 0.6
    closed = Episode.objects.filter(status="closed").exclude(closure_outcome="stepped_up")
    assert ClosingScore.objects.values("episode").distinct().count() > closed.count() * 0.3
    year = period_containing("year", TODAY - dt.timedelta(days=180))  # a full year of closures
    ctx = Context(scope=Scope())
    for code, low, high in (("family_says_better", 20, 95), ("satisfied_with_help", 40, 95)):
        result = REGISTRY[code].compute(ctx, [year])[None][year.key]
        assert result.denominator > 10 and low <= result.value <= high, (code, result)
