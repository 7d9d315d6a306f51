"""Measures judged from casework (issue 16): step-ups, new requests for support, the
practitioner's progress scores and the family's own ratings, read in the criteria language next
to the linked agency records. Every date below is worked out by hand.

The family joined on 1 January 2025: a six-month measure can first be sustained on 1 July 2025
(its window, 1 January – 1 July, lies wholly inside the programme). Its episode EH-R16 (the
5-18 team) was stepped up on 1 March 2025; a request for support was received on the joining
day (the one that brought it: not new) and another on 3 March 2025. Reviews on 5 May and
20 June 2025 scored alcohol or drug misuse 7 and 8 (10 March: 6); the family rated parenting
capacity 8 at the 5 May review.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from earlyhelp.assessments.tests.factories import PresentingNeedFactory
from earlyhelp.cases.models import Transition, TransitionKind
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.core.testing.two_factor import verified_login
from earlyhelp.frontdoor.models import TriageDecision, TriageOutcome
from earlyhelp.frontdoor.tests.factories import ContactFactory
from earlyhelp.plans.models import FamilyRating, FamilyView, ProgressScore
from earlyhelp.plans.tests.factories import ReviewFactory
from earlyhelp.results import linked, selection, services
from earlyhelp.results.models import Framework, Measure, PlanNeed
from earlyhelp.thresholds.tests.factories import NeedThemeFactory

from .test_outcomes import linked_records, measure

D = dt.date
JOINED = D(2025, 1, 1)
CASEWORK = "Early help casework"


def noon(day):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def casework(world):
    family = world.family
    world.worker.first_name, world.worker.last_name = "Sam", "Keyworker"
    world.worker.save()
    episode = EpisodeFactory(family=family, team=world.team, reference="EH-R16",
                             start_date=D(2024, 12, 1), lead_practitioner=world.worker)
    Transition.objects.create(kind=TransitionKind.STEP_UP, family=family, episode=episode,
                              date=D(2025, 3, 1), reason="Risk rose", cin_code="5D",
                              recorded_by=world.worker)
    ContactFactory(family=family, reference="C-JOIN", received_at=noon(JOINED))
    ContactFactory(family=family, reference="C-NEW", received_at=noon(D(2025, 3, 3)),
                   created_by=world.front_door)
    substance = NeedThemeFactory(code="substance", name="Alcohol and/or drug misuse")
    parenting = NeedThemeFactory(code="neglect", name="Parenting capacity and neglect")
    need = PresentingNeedFactory(assessment__episode=episode, theme=substance)
    parenting_need = PresentingNeedFactory(assessment=need.assessment, theme=parenting)
    reviews = {}
    for day, score in ((D(2025, 3, 10), 6), (D(2025, 5, 5), 7), (D(2025, 6, 20), 8)):
        reviews[day] = ReviewFactory(episode=episode, held_on=day, created_by=world.worker)
        ProgressScore.objects.create(review=reviews[day], need=need, score=score)
    view = FamilyView.objects.create(episode=episode, review=reviews[D(2025, 5, 5)],
                                     rater="parent_carer", created_by=world.worker)
    FamilyRating.objects.create(view=view, need=parenting_need, score=8)
    return episode


def plan(world, codes, household_key="H1"):
    framework = Framework.objects.get(code="sf-2022-25")
    attachment = services.attach_family(user=world.analyst, framework=framework,
                                        family=world.family, attached_on=JOINED,
                                        household_key=household_key)
    for code in codes:
        services.add_need(user=world.analyst, attachment=attachment, measure=measure(code),
                          identified_on=JOINED)
    return attachment


def check(world, attachment, reference, con=None):
    services.check_outcomes(user=world.analyst, attachments=[attachment],
                            con=con or linked_records(), reference=reference)
    attachment.refresh_from_db()
    return {n.measure.code: n for n in PlanNeed.objects.filter(attachment=attachment)}


def verdict(need):
    return need.met, need.sustained, need.sustained_from


def test_no_step_up_the_day_before_and_the_day_it_is_sustained(world, casework):
    attachment = plan(world, ["no-step-up"])
    # 1 September 2025: the window (1 March – 1 September) holds the step-up of 1 March.
    need = check(world, attachment, D(2025, 9, 1))["no-step-up"]
    assert verdict(need) == (False, False, D(2025, 9, 2))
    assert need.finding == ("Not met: recorded within the 6 months to 1 September 2025 (last on "
                            "1 March 2025); the earliest it can be sustained is 2 September 2025.")
    [line] = need.evidence
    assert (line["agency"], line["source"], line["date"], line["in_window"], line["counted"]) == (
        CASEWORK, "casework_step_up", "2025-03-01", True, True)
    assert line["casework"]["text"] == (
        "Episode EH-R16 stepped up to children's social care on 1 March 2025")
    assert line["casework"]["by"] == "Sam Keyworker"
    assert line["casework"]["episode_id"] == str(casework.pk)
    # 2 September: the window starts on 2 March – met, and sustained that day.
    need = check(world, attachment, D(2025, 9, 2))["no-step-up"]
    assert verdict(need) == (True, True, D(2025, 9, 2))
    assert [(e["date"], e["in_window"], e["counted"]) for e in need.evidence] == [
        ("2025-03-01", False, False)]


def test_a_request_referred_to_social_care_is_a_step_up_too(world, casework):
    Transition.objects.all().delete()
    contact = ContactFactory(family=world.family, reference="C-CSC",
                             received_at=noon(D(2025, 4, 1)))
    level = world.model.levels.order_by("rank").last()
    TriageDecision.objects.create(contact=contact, outcome=TriageOutcome.STEP_UP,
                                  threshold_model=world.model, level=level, rag="red",
                                  decided_at=noon(D(2025, 4, 2)), decided_by=world.front_door,
                                  rationale="Significant harm")
    attachment = plan(world, ["no-step-up"])
    need = check(world, attachment, D(2025, 10, 2))["no-step-up"]
    assert verdict(need) == (False, False, D(2025, 10, 3))
    [line] = need.evidence
    assert line["casework"]["text"] == (
        "Request C-CSC referred to children's social care on 2 April 2025")
    assert line["casework"]["contact_id"] == str(contact.pk)
    assert verdict(check(world, attachment, D(2025, 10, 3))["no-step-up"]) == (
        True, True, D(2025, 10, 3))


def test_no_new_request_ignores_the_one_that_brought_the_family(world, casework):
    attachment = plan(world, ["no-new-request"])
    need = check(world, attachment, D(2025, 9, 3))["no-new-request"]
    assert verdict(need) == (False, False, D(2025, 9, 4))
    assert [e["casework"]["text"] for e in need.evidence] == [
        "Request for support C-NEW received on 3 March 2025"]
    assert verdict(check(world, attachment, D(2025, 9, 4))["no-new-request"]) == (
        True, True, D(2025, 9, 4))


def test_progress_scores_at_two_reviews_the_day_before_and_the_day_it_is_sustained(
        world, casework):
    attachment = plan(world, ["substance-progress"])
    # 30 June 2025: 7 on 5 May and 8 on 20 June (the 6 of 10 March is under 7) – met, but the
    # window (30 December – 30 June) starts before the family joined.
    need = check(world, attachment, D(2025, 6, 30))["substance-progress"]
    assert verdict(need) == (True, False, D(2025, 7, 1))
    assert need.finding == "Met, not yet sustained: the sustainment period ends on 1 July 2025."
    assert [(e["date"], e["counted"], e["casework"]["text"]) for e in need.evidence] == [
        ("2025-05-05", True, "Review of EH-R16 on 5 May 2025: Alcohol and/or drug misuse "
                             "scored 7 by the practitioner"),
        ("2025-06-20", True, "Review of EH-R16 on 20 June 2025: Alcohol and/or drug misuse "
                             "scored 8 by the practitioner")]
    assert verdict(check(world, attachment, D(2025, 7, 1))["substance-progress"]) == (
        True, True, D(2025, 7, 1))
    # 5 November: the window starts on 5 May, both ends count – still two reviews; on
    # 6 November only 20 June is left: not met.
    assert check(world, attachment, D(2025, 11, 5))["substance-progress"].met
    need = check(world, attachment, D(2025, 11, 6))["substance-progress"]
    assert verdict(need) == (False, False, D(2025, 7, 1))
    assert need.finding == "Not met: no record shows it."


def test_the_familys_own_rating(world, casework):
    attachment = plan(world, ["parenting-family-rating", "parenting-progress"])
    needs = check(world, attachment, D(2025, 7, 1))
    rating = needs["parenting-family-rating"]
    assert verdict(rating) == (True, True, D(2025, 7, 1))
    assert [e["casework"]["text"] for e in rating.evidence] == [
        "The family's rating (review of EH-R16, 5 May 2025): Parenting capacity and neglect 8"]
    # No practitioner's score for parenting capacity: not met.
    assert verdict(needs["parenting-progress"]) == (False, False, D(2025, 7, 1))
    assert verdict(check(world, attachment, D(2025, 6, 30))["parenting-family-rating"]) == (
        True, False, D(2025, 7, 1))


@pytest.fixture
def mixed(world):
    """A local measure mixing an agency and a casework condition: H1's domestic abuse incident
    of 15 February 2025 (police) or a step-up (casework, 1 March 2025)."""
    framework = Framework.objects.get(code="sf-2022-25")
    outcome = framework.outcomes.get(code="safe-children")
    m = Measure(outcome=outcome, code="local-safe", name="No incident and no step-up",
                met_when="absent", sustain_months=6,
                rule={"who": "any", "any_of": [{"source": "domestic_abuse"},
                                               {"source": "casework_step_up"}]})
    m.full_clean()
    m.save()
    return m


def test_a_measure_mixing_casework_and_agency_records(world, casework, mixed):
    attachment = plan(world, ["local-safe"])
    # The last record showing the problem is the step-up (1 March), not the incident; on
    # 1 September the window starts on 1 March: the incident is shown, out of the window.
    need = check(world, attachment, D(2025, 9, 1))["local-safe"]
    assert verdict(need) == (False, False, D(2025, 9, 2))
    assert [(e["agency"], e["date"], e["in_window"], e["counted"]) for e in need.evidence] == [
        ("Police / MARAC", "2025-02-15", False, False), (CASEWORK, "2025-03-01", True, True)]
    # 15 August: both in the window (from 15 February), both count.
    need = check(world, attachment, D(2025, 8, 15))["local-safe"]
    assert [(e["date"], e["counted"]) for e in need.evidence] == [
        ("2025-02-15", True), ("2025-03-01", True)]
    need = check(world, attachment, D(2025, 9, 2))["local-safe"]
    assert verdict(need) == (True, True, D(2025, 9, 2))


def test_a_family_with_no_targeting_run_is_judged_on_its_casework(world, casework, mixed):
    attachment = plan(world, ["no-step-up", "no-incident", "local-safe"], household_key="")
    counts = services.check_programme(user=world.analyst, reference=D(2025, 9, 2))
    assert linked.latest_run() is None
    assert counts == {"families": 1, "needs": 3, "claimable": 0, "run": None, "not_linked": 1}
    needs = {n.measure.code: n for n in PlanNeed.objects.filter(attachment=attachment)}
    assert verdict(needs["no-step-up"]) == (True, True, D(2025, 9, 2))
    assert [e["date"] for e in needs["no-step-up"].evidence] == ["2025-03-01"]
    for code in ("no-incident", "local-safe"):  # they read agency records
        assert verdict(needs[code]) == (False, False, None)
        assert needs[code].finding.startswith("Not judged: no agency records")
        assert needs[code].evidence == []


def test_validation_names_the_unknown_casework_source_or_field(db):
    outcome = Framework.objects.get(code="sf-2022-25").outcomes.first()
    bad = Measure(outcome=outcome, code="x", name="x", met_when="holds", sustain_months=6,
                  rule={"any_of": [{"source": "casework_reviews"}]})
    with pytest.raises(ValidationError, match="unknown source 'casework_reviews'.*"
                                              "casework_progress"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "casework_progress", "where": {"mark": [7]}}]}
    with pytest.raises(ValidationError, match="casework_progress has no column 'mark' "
                                              r"\(one of date, need, score"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "casework_progress", "where": {"score": {"above": 7}}}]}
    with pytest.raises(ValidationError, match="score: a range takes 'at_least' and/or"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "casework_progress", "where": {"score": {"at_least": "7"}}}]}
    with pytest.raises(ValidationError, match="a range's bounds must be numbers"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "casework_progress", "where": {"need": {"at_least": 7}}}]}
    with pytest.raises(ValidationError, match="need: a range needs a column of numbers"):
        bad.full_clean()
    bad.rule = {"any_of": [{"source": "casework_step_up", "window_months": 3}]}
    with pytest.raises(ValidationError, match="sustainment period"):
        bad.full_clean()
    # Targeting's criteria sets read agency sources only: casework is results' own.
    from earlyhelp.targeting.criteria import validate_rule
    with pytest.raises(ValidationError, match="unknown source 'casework_step_up'"):
        validate_rule({"any_of": [{"source": "casework_step_up"}]})


def test_every_shipped_measure_is_valid_and_each_outcome_has_one(db):
    framework = Framework.objects.get(code="sf-2022-25")
    for outcome in framework.outcomes.all():
        assert outcome.measures.exists(), outcome.code
        for m in outcome.measures.all():
            m.full_clean()


def test_the_family_page_links_casework_where_the_viewer_may_see_it(world, casework):
    attachment = plan(world, ["no-step-up"])
    check(world, attachment, D(2025, 9, 1))
    url = reverse("results:family", args=[attachment.pk])
    episode_url = reverse("web:episode_detail", args=[casework.pk])
    manager_page = verified_login(Client(), world.manager).get(url).content.decode()
    assert "Episode EH-R16 stepped up to children&#x27;s social care on 1 March 2025" in manager_page
    assert f'href="{episode_url}"' in manager_page and "recorded by Sam Keyworker" in manager_page
    # An analyst sees every family on a programme but not its casework pages: no link.
    analyst_page = verified_login(Client(), world.analyst).get(url).content.decode()
    assert "Episode EH-R16 stepped up" in analyst_page and episode_url not in analyst_page
    # Out of scope: a 404, as for every results page.
    assert verified_login(Client(), world.other_worker).get(url).status_code == 404


# The needs, the employment measure, the families' members, one read per casework source the
# measures read (a step-up is two: episodes and front-door decisions; requests one), one UPDATE
# per table and the audit rows: the same for one family or four.
CHECK_QUERIES_WITH_CASEWORK = 12


@pytest.mark.parametrize("families", [1, 4])
@pytest.mark.parametrize("read", ["by id", "by programme"])
def test_checking_casework_measures_takes_the_same_queries_for_any_number_of_families(
        world, casework, families, read, django_assert_num_queries, monkeypatch):
    from earlyhelp.people.tests.factories import family_with_members

    if read == "by programme":  # what a check of thousands of families does
        monkeypatch.setattr(selection, "MANY_FAMILIES", 0)

    framework = Framework.objects.get(code="sf-2022-25")
    for i in range(families):
        family = world.family if i == 0 else family_with_members(children=1, adults=1)
        if i:
            episode = EpisodeFactory(family=family, team=world.team)
            Transition.objects.create(kind=TransitionKind.STEP_UP, family=family,
                                      episode=episode, date=D(2025, 4, 1), reason="Risk",
                                      recorded_by=world.worker)
        attachment = services.attach_family(user=world.analyst, framework=framework,
                                            family=family, attached_on=JOINED,
                                            household_key="H1" if i == 0 else "")
        for code in ("no-step-up", "substance-progress", "no-incident", "no-new-request"):
            services.add_need(user=world.analyst, attachment=attachment, measure=measure(code),
                              identified_on=JOINED)
    attachments = list(framework.families.select_related("framework__employment_measure"))
    # A family on the same programme, with casework of its own, that this check was not asked
    # about: read along with the others by programme, it is left out and left unchecked.
    other = family_with_members(children=1, adults=1)
    ContactFactory(family=other, reference="C-OTHER", received_at=noon(D(2025, 3, 3)))
    left_out = services.attach_family(user=world.analyst, framework=framework, family=other,
                                      attached_on=JOINED, household_key="")
    services.add_need(user=world.analyst, attachment=left_out, measure=measure("no-new-request"),
                      identified_on=JOINED)
    con = linked_records()
    with django_assert_num_queries(CHECK_QUERIES_WITH_CASEWORK):
        counts = services.check_outcomes(user=world.analyst, attachments=attachments, con=con,
                                         reference=D(2025, 9, 2))
    assert counts["families"] == families and counts["needs"] == 4 * families
    assert not PlanNeed.objects.get(attachment=left_out).checked_on
    step_ups = PlanNeed.objects.filter(measure__code="no-step-up")
    # World's family: stepped up 1 March (sustained 2 September); the others 1 April.
    assert sorted((n.met, n.sustained_from) for n in step_ups) == (
        [(False, D(2025, 10, 2))] * (families - 1) + [(True, D(2025, 9, 2))])


def test_the_migration_adds_the_casework_measures_to_an_installed_framework(db):
    """As migration 0005 does on a database that loaded the framework before them: the missing
    measures come, a council's edit of an existing one stays."""
    from earlyhelp.results.models import HeadlineOutcome
    from earlyhelp.results.reference import add_missing_measures

    framework = Framework.objects.get(code="sf-2022-25")
    casework_codes = {"school-ready-progress", "substance-progress", "substance-family-rating",
                      "parenting-progress", "parenting-family-rating", "no-step-up",
                      "no-new-request"}
    Measure.objects.filter(outcome__framework=framework, code__in=casework_codes).delete()
    Measure.objects.filter(outcome__framework=framework, code="no-incident").update(
        name="Our own words", sustain_months=9)
    assert add_missing_measures(Framework, HeadlineOutcome, Measure) == 7
    assert set(Measure.objects.filter(outcome__framework=framework, code__in=casework_codes)
               .values_list("code", flat=True)) == casework_codes
    assert measure("no-incident").name == "Our own words"
    assert add_missing_measures(Framework, HeadlineOutcome, Measure) == 0
