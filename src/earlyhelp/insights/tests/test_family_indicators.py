"""Families who say things got better, and satisfaction with the help: figures computed by hand
over a small world, with the edges (declined, rated only once, no closing rating)."""

import datetime as dt

import pytest

from earlyhelp.assessments.tests.factories import PresentingNeedFactory
from earlyhelp.cases.tests.factories import EpisodeFactory
from earlyhelp.insights.registry import REGISTRY, Context, Scope
from earlyhelp.plans.models import ClosingScore, FamilyRating, FamilyView
from earlyhelp.thresholds.tests.factories import NeedThemeFactory

from .factories import ReviewFactory, closed_episode, completed_assessment
from .test_indicators import FEBRUARY, MARCH, compute, parts, value

pytestmark = pytest.mark.django_db


def _needs(episode, *baselines):
    assessment = completed_assessment(episode=episode, started=episode.start_date,
                                      completed=episode.start_date + dt.timedelta(days=20))
    return [PresentingNeedFactory(assessment=assessment, theme=theme, baseline_score=baseline)
            for theme, baseline in baselines]


def _view(episode, ratings, *, held_on=None, satisfaction=None, declined=False):
    """The family's view at a review held on `held_on`, or (None) at closure."""
    review = ReviewFactory(episode=episode, held_on=held_on) if held_on else None
    view = FamilyView.objects.create(episode=episode, review=review, declined=declined,
                                     rater="" if declined else "parent_carer",
                                     satisfaction=satisfaction)
    for need, score in ratings.items():
        FamilyRating.objects.create(view=view, need=need, score=score)
    return view


def _closing(episode, scores):
    for need, score in scores.items():
        ClosingScore.objects.create(episode=episode, need=need, baseline=need.baseline_score,
                                    score=score)


@pytest.fixture
def world():
    dv = NeedThemeFactory(code="dv", name="Domestic violence", order=1)
    mh = NeedThemeFactory(code="mh", name="Mental health", order=2)
    march = dt.date(2026, 3, 10)
    # E1: dv 3 -> 6, mh 5 -> 4: +2 in total, better. Practitioner dv 3 -> 7, mh 4 -> 4: rose.
    e1 = closed_episode(end=march)
    dv1, mh1 = _needs(e1, (dv, 3), (mh, 4))
    _view(e1, {dv1: 3, mh1: 5}, held_on=dt.date(2026, 1, 5))
    _view(e1, {dv1: 6, mh1: 4}, satisfaction=5)
    _closing(e1, {dv1: 7, mh1: 4})
    # E2: dv first 6 (the earlier review, recorded second), later 2, closing 5: -1, not better.
    # Practitioner dv 5 -> 4: did not rise.
    e2 = closed_episode(end=march)
    (dv2,) = _needs(e2, (dv, 5))
    _view(e2, {dv2: 2}, held_on=dt.date(2026, 2, 5))
    _view(e2, {dv2: 6}, held_on=dt.date(2026, 1, 5))
    _view(e2, {dv2: 5}, satisfaction=3)
    _closing(e2, {dv2: 4})
    # E3: rated at a review, declined at closure: not counted.
    e3 = closed_episode(end=march)
    (dv3,) = _needs(e3, (dv, 2))
    _view(e3, {dv3: 2}, held_on=dt.date(2026, 1, 5))
    _view(e3, {}, declined=True)
    # E4: only a closing rating (no first): not counted for "better"; satisfied (4).
    e4 = closed_episode(end=march)
    (dv4,) = _needs(e4, (dv, 2))
    _view(e4, {dv4: 9}, satisfaction=4)
    # E5: rated at a review, no closing view: counted nowhere.
    e5 = closed_episode(end=march)
    (dv5,) = _needs(e5, (dv, 2))
    _view(e5, {dv5: 1}, held_on=dt.date(2026, 1, 5))
    # E6: closed in February, better: February only.
    e6 = closed_episode(end=dt.date(2026, 2, 20))
    (dv6,) = _needs(e6, (dv, 2))
    _view(e6, {dv6: 2}, held_on=dt.date(2026, 1, 5))
    _view(e6, {dv6: 8}, satisfaction=2)
    # E7: still open, rated twice: not a closure.
    e7 = EpisodeFactory(start_date=dt.date(2025, 12, 1))
    (dv7,) = _needs(e7, (dv, 2))
    _view(e7, {dv7: 2}, held_on=dt.date(2026, 1, 5))
    return e1, e2, e3, e4, e5, e6, e7


def test_families_who_say_things_got_better(world):
    march = compute("family_says_better")[MARCH.key]
    assert (march.value, march.numerator, march.denominator) == (50.0, 1, 2)  # E1 of E1, E2
    assert parts("family_says_better") == {
        "practitioner": (50.0, None),  # E1's closing scores rose, E2's did not
        "dv": (50.0, None),  # E1 +3, E2 -1 (E4 had no first rating)
        "mh": (0.0, None),  # E1 5 -> 4
    }
    assert value("family_says_better", FEBRUARY) == 100.0  # E6


def test_better_drills_down_to_the_episodes_it_counted(world):
    e1, e2, *_ = world
    ctx = Context(scope=Scope())
    (section,) = REGISTRY["family_says_better"].records(ctx, MARCH)
    assert {(e.pk, e.meets) for e in section.queryset} == {(e1.pk, True), (e2.pk, False)}
    (section,) = REGISTRY["family_says_better"].records(ctx, MARCH, "mh")
    assert [(e.pk, e.meets) for e in section.queryset] == [(e1.pk, False)]
    (section,) = REGISTRY["family_says_better"].records(ctx, MARCH, "practitioner")
    assert {(e.pk, e.meets) for e in section.queryset} == {(e1.pk, True), (e2.pk, False)}


def test_satisfied_with_the_help(world):
    march = compute("satisfied_with_help")[MARCH.key]
    # E1 (5), E2 (3), E4 (4) answered; E3 declined, E5 no closing view: 2 of 3.
    assert (march.numerator, march.denominator) == (2, 3)
    assert round(march.value, 1) == 66.7
    shares = parts("satisfied_with_help")
    assert shares["satisfaction_5"] == (1, 33.3) and shares["satisfaction_4"] == (1, 33.3)
    assert shares["satisfaction_3"] == (1, 33.3) and shares["satisfaction_1"] == (0, 0.0)
    assert value("satisfied_with_help", FEBRUARY) == 0.0  # E6 said 2
    ctx = Context(scope=Scope())
    (section,) = REGISTRY["satisfied_with_help"].records(ctx, MARCH)
    e1, e2, e3, e4, *_ = world
    assert {(e.pk, e.meets) for e in section.queryset} == {
        (e1.pk, True), (e2.pk, False), (e4.pk, True)}


def test_a_service_scope_counts_only_its_teams(world):
    assert value("family_says_better", scope=Scope(team_ids=[])) is None
    assert value("satisfied_with_help", scope=Scope(team_ids=[])) is None
