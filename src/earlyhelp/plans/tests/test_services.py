import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from earlyhelp.cases.services import episode_close
from earlyhelp.core.dates import today
from earlyhelp.core.errors import IllegalMove
from earlyhelp.plans import services
from earlyhelp.plans.models import Plan, PlanAction, ProgressScore, Review
from earlyhelp.testing.journey import completed_assessment, open_episode, review
from earlyhelp.testing.world import days_ago


def test_plan_needs_a_completed_assessment(world):
    episode = open_episode(world)
    with pytest.raises(IllegalMove, match="Complete the early help assessment"):
        services.plan_start(episode=episode, started_on=today(), acting_user=world.worker)
    assert Plan.objects.count() == 0


def test_plan_with_outcomes_and_actions(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    plan = services.plan_start(episode=episode, started_on=days_ago(35), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="already has an active plan"):
        services.plan_start(episode=episode, started_on=today(), acting_user=world.worker)
    outcome = services.plan_outcome_add(plan=plan, text="We argue less", need=need,
                                        acting_user=world.worker)
    action = services.plan_action_add(plan=plan, outcome=outcome, description="Freedom programme",
                                      owner_name="Mum", due_date=days_ago(5),
                                      acting_user=world.worker)
    services.plan_action_complete(action=action, completed_on=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="Only an open action"):
        services.plan_action_complete(action=action, completed_on=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="Only an open action"):
        services.plan_action_cancel(action=action, acting_user=world.worker)
    action.refresh_from_db()
    assert action.status == "done"


def test_action_due_before_the_plan_is_refused(world):
    episode = open_episode(world)
    completed_assessment(world, episode)
    plan = services.plan_start(episode=episode, started_on=days_ago(10), acting_user=world.worker)
    with pytest.raises(ValidationError, match="on or after the plan started"):
        services.plan_action_add(plan=plan, description="x", owner_name="Mum",
                                 due_date=days_ago(11), acting_user=world.worker)
    assert PlanAction.objects.count() == 0


def test_an_ended_plan_cannot_change(world):
    episode = open_episode(world)
    completed_assessment(world, episode)
    plan = services.plan_start(episode=episode, started_on=days_ago(10), acting_user=world.worker)
    episode_close(episode=episode, outcome="needs_met", end_date=today(), acting_user=world.worker)
    plan.refresh_from_db()
    with pytest.raises(IllegalMove, match="plan has ended"):
        services.plan_action_add(plan=plan, description="x", owner_name="Mum", due_date=today(),
                                 acting_user=world.worker)
    with pytest.raises(IllegalMove, match="plan has ended"):
        services.plan_outcome_add(plan=plan, text="x", acting_user=world.worker)


def test_reviews_score_progress_per_need(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    review(world, episode, need, held_days_ago=20, score=5)
    review(world, episode, need, held_days_ago=2, score=7)
    scores = list(ProgressScore.objects.order_by("review__held_on").values_list("score", flat=True))
    assert scores == [5, 7]


def test_a_review_on_a_closed_episode_is_refused(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    episode_close(episode=episode, outcome="needs_met", end_date=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="closed episode"):
        review(world, episode, need, held_days_ago=1, score=8)
    assert Review.objects.count() == 0


def test_review_dates_and_scores_are_checked(world):
    episode = open_episode(world)
    _, need = completed_assessment(world, episode)
    with pytest.raises(IllegalMove, match="due after"):
        services.review_record(episode=episode, held_on=days_ago(3), attendees="Mum",
                               next_review_due=days_ago(3), acting_user=world.worker)
    with pytest.raises(ValidationError, match="held_on.*today or in the past"):
        services.review_record(episode=episode, held_on=today() + dt.timedelta(days=3),
                               attendees="Mum", acting_user=world.worker)
    with pytest.raises(ValidationError):
        services.review_record(episode=episode, held_on=days_ago(3), attendees="Mum",
                               scores={need: 0}, acting_user=world.worker)
    with pytest.raises(ValidationError):
        services.review_record(episode=episode, held_on=days_ago(3), attendees=" ",
                               acting_user=world.worker)
    assert Review.objects.count() == 0 and ProgressScore.objects.count() == 0


def test_scores_must_be_for_this_episodes_needs(world):
    from earlyhelp.people.tests.factories import family_with_members

    episode = open_episode(world)
    completed_assessment(world, episode)
    other_episode = open_episode(world, family=family_with_members())
    _, other_need = completed_assessment(world, other_episode)
    with pytest.raises(IllegalMove, match="this episode's assessed needs"):
        services.review_record(episode=episode, held_on=days_ago(1), attendees="Mum",
                               scores={other_need: 5}, acting_user=world.worker)
    assert Review.objects.count() == 0


def test_no_plan_on_a_closed_episode(world):
    episode = open_episode(world)
    completed_assessment(world, episode)
    episode_close(episode=episode, outcome="needs_met", end_date=today(), acting_user=world.worker)
    with pytest.raises(IllegalMove, match="open episode"):
        services.plan_start(episode=episode, started_on=today(), acting_user=world.worker)
    assert Plan.objects.count() == 0


def test_a_plan_cannot_start_before_the_assessment_was_completed(world):
    episode = open_episode(world)
    assessment, _ = completed_assessment(world, episode)
    completed = assessment.completed_on
    with pytest.raises(ValidationError) as error:
        services.plan_start(episode=episode, started_on=completed - dt.timedelta(days=1),
                            acting_user=world.worker)
    assert error.value.message_dict["started_on"] == [
        f"The plan start date must be on or after the date the assessment was completed "
        f"({completed.day} {completed:%B %Y})"
    ]
    assert Plan.objects.count() == 0
    plan = services.plan_start(episode=episode, started_on=completed, acting_user=world.worker)
    assert plan.started_on == completed  # the same day is allowed
