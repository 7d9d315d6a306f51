"""Writes for plans, actions and reviews."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.cases import rules as case_rules
from earlyhelp.cases.journey import EPISODE
from earlyhelp.cases.services import locked_episode
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.dates import check_event_date

from . import rules
from .journey import ACTION, PLAN
from .models import Plan, PlanAction, PlanOutcome, PlanStatus, ProgressScore, Review


@transaction.atomic
def plan_start(*, episode, started_on: dt.date, acting_user) -> Plan:
    policy.require(acting_user, policy.Action.PLAN, episode)
    episode = locked_episode(episode)
    EPISODE.require("start_plan", episode)
    case_rules.date_within_episode(episode, started_on, "plan start", field="started_on")
    rules.plan_follows_assessment(episode, started_on)
    plan = Plan(episode=episode, started_on=started_on)
    return base.create(plan, acting_user=acting_user, family_id=episode.family_id)


@transaction.atomic
def plan_outcome_add(*, plan: Plan, text: str, acting_user, need=None) -> PlanOutcome:
    policy.require(acting_user, policy.Action.PLAN, plan)
    plan = Plan.objects.select_for_update().select_related("episode").get(pk=plan.pk)
    PLAN.require("edit", plan)
    if need is not None and need.assessment.episode_id != plan.episode_id:
        raise ValidationError({"need": "Choose a need from this family's assessment"})
    order = plan.outcomes.count() + 1
    outcome = PlanOutcome(plan=plan, text=text, need=need, order=order)
    return base.create(outcome, acting_user=acting_user, family_id=plan.episode.family_id)


def active_plans_end(*, episode, on: dt.date, acting_user) -> None:
    """End the episode's active plans on the day it closes (an effect of closing, step-up)."""
    active = Plan.objects.select_for_update().filter(episode=episode, status=PlanStatus.ACTIVE)
    for plan in active:
        before = audit.snapshot(plan, ["status", "ended_on"])
        plan.status = PLAN.require("end", plan)
        plan.ended_on = max(on, plan.started_on)
        base.update(plan, acting_user=acting_user, before=before, family_id=episode.family_id)


@transaction.atomic
def plan_action_add(
    *, plan: Plan, description: str, owner_name: str, due_date: dt.date, acting_user,
    owner=None, outcome: PlanOutcome | None = None,
) -> PlanAction:
    policy.require(acting_user, policy.Action.PLAN, plan)
    plan = Plan.objects.select_for_update().select_related("episode").get(pk=plan.pk)
    PLAN.require("edit", plan)
    if outcome is not None and outcome.plan_id != plan.pk:
        raise ValidationError({"outcome": "Choose an outcome from this plan"})
    if due_date < plan.started_on:
        raise ValidationError({"due_date": "The due date must be on or after the plan started"})
    action = PlanAction(
        plan=plan, outcome=outcome, description=description, owner=owner,
        owner_name=owner_name or (owner.display_name if owner else ""), due_date=due_date,
    )
    return base.create(action, acting_user=acting_user, family_id=plan.episode.family_id)


def _action_move(action: PlanAction, move: str, on: dt.date | None, acting_user) -> PlanAction:
    action = PlanAction.objects.select_for_update().select_related("plan__episode").get(pk=action.pk)
    new_status = ACTION.require(move, action)
    before = audit.snapshot(action, ["status", "completed_on"])
    action.status = new_status
    action.completed_on = on
    return base.update(action, acting_user=acting_user, before=before,
                       family_id=action.plan.episode.family_id)


@transaction.atomic
def plan_action_complete(*, action: PlanAction, completed_on: dt.date, acting_user) -> PlanAction:
    policy.require(acting_user, policy.Action.PLAN, action.plan)
    check_event_date(completed_on, field="completed_on", what="completion")
    return _action_move(action, "complete", completed_on, acting_user)


@transaction.atomic
def plan_action_cancel(*, action: PlanAction, acting_user) -> PlanAction:
    policy.require(acting_user, policy.Action.PLAN, action.plan)
    return _action_move(action, "cancel", None, acting_user)


@transaction.atomic
def review_record(
    *, episode, held_on: dt.date, attendees: str, acting_user, scores: dict | None = None,
    summary: str = "", family_view: str = "", next_review_due: dt.date | None = None,
) -> Review:
    """Record a Team Around the Family review with a progress score (1–10) per need."""
    policy.require(acting_user, policy.Action.REVIEW, episode)
    episode = locked_episode(episode)
    EPISODE.require("review", episode)
    case_rules.date_within_episode(episode, held_on, "review", field="held_on")
    rules.next_review_after_meeting(held_on, next_review_due)
    if not (attendees or "").strip():
        raise ValidationError({"attendees": "Enter who attended the review"})
    scores = scores or {}
    rules.scores_are_for_this_episode(episode, scores.keys())
    bad = {str(need.pk): "Score each need from 1 to 10" for need, score in scores.items()
           if not isinstance(score, int) or not 1 <= score <= 10}
    if bad:
        raise ValidationError(bad)
    review = Review(
        episode=episode, held_on=held_on, attendees=attendees, summary=summary,
        family_view=family_view, next_review_due=next_review_due,
    )
    base.create(review, acting_user=acting_user, family_id=episode.family_id)
    ProgressScore.objects.bulk_create(
        ProgressScore(review=review, need=need, score=score) for need, score in scores.items()
    )
    return review
