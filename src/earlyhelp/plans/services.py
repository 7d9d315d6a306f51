"""Writes for plans, actions and reviews."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.assessments.models import AssessmentStatus, PresentingNeed
from earlyhelp.cases import rules as case_rules
from earlyhelp.cases import state as episode_state
from earlyhelp.cases.journey import EPISODE
from earlyhelp.cases.services import locked_episode
from earlyhelp.core import audit
from earlyhelp.core import services as base
from earlyhelp.core.dates import check_event_date

from . import rules
from .journey import ACTION, PLAN
from .models import (
    ClosingScore,
    FamilyRating,
    FamilyView,
    Plan,
    PlanAction,
    PlanOutcome,
    PlanStatus,
    ProgressScore,
    Review,
)


@transaction.atomic
def plan_start(*, episode, started_on: dt.date, acting_user) -> Plan:
    policy.require(acting_user, policy.Action.PLAN, episode)
    episode = locked_episode(episode)
    EPISODE.require("start_plan", episode)
    case_rules.date_within_episode(episode, started_on, "plan start", field="started_on")
    rules.plan_follows_assessment(episode, started_on)
    plan = Plan(episode=episode, started_on=started_on)
    base.create(plan, acting_user=acting_user, family_id=episode.family_id)
    episode_state.save(episode, episode_state.on_plan_started(episode, plan))
    return plan


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
    family: dict | None = None,
) -> Review:
    """Record a Team Around the Family review with a progress score (1–10) per need and,
    optionally, the family's own view (family: rater, declined, words, scores {need: 1–10})."""
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
    if family is not None:
        bad |= rules.family_view_errors(family, assessed_needs(episode), at_closure=False)
    if bad:
        raise ValidationError(bad)
    review = Review(
        episode=episode, held_on=held_on, attendees=attendees, summary=summary,
        family_view=family_view, next_review_due=next_review_due,
    )
    base.create(review, acting_user=acting_user, family_id=episode.family_id)
    episode_state.save(episode, episode_state.on_review(episode, review))
    ProgressScore.objects.bulk_create(
        ProgressScore(review=review, need=need, score=score) for need, score in scores.items()
    )
    if family is not None:
        _family_view_create(episode, family, acting_user, review=review)
    return review


def assessed_needs(episode):
    """The needs a review scores: those of the episode's completed assessments."""
    return (
        PresentingNeed.objects.filter(
            assessment__episode=episode, assessment__status=AssessmentStatus.COMPLETED
        )
        .select_related("theme", "person")
        .order_by("theme__order", "theme__name")
    )


def _family_view_create(episode, family, acting_user, *, review=None) -> FamilyView:
    declined = bool(family.get("declined"))
    view = FamilyView(
        episode=episode, review=review, declined=declined,
        rater="" if declined else family["rater"],
        words="" if declined else (family.get("words") or "").strip(),
        satisfaction=None if declined else family.get("satisfaction"),
    )
    base.create(view, acting_user=acting_user, family_id=episode.family_id)
    if not declined:
        FamilyRating.objects.bulk_create(
            FamilyRating(view=view, need=need, score=score)
            for need, score in (family.get("scores") or {}).items()
        )
    return view


@transaction.atomic
def closing_view_record(*, episode, closing: dict, acting_user) -> None:
    """At closure (an effect of closing, in the closing service's transaction): the
    practitioner's closing score per need – with the baseline and the last review's score as they
    stand today – and the family's own closing view. closing: {"scores": {need id: 1–10},
    "family": {rater, declined, words, scores {need id: 1–10}, satisfaction 1–5} or None}.
    Every assessed need is scored; refused with field messages, nothing written, otherwise."""
    policy.require(acting_user, policy.Action.CLOSE, episode)
    episode = locked_episode(episode)
    EPISODE.require("record_closing", episode)
    needs = list(assessed_needs(episode))
    by_id = {str(need.pk): need for need in needs}
    given = {str(k): v for k, v in (closing.get("scores") or {}).items()}
    errors = {}
    for key, score in given.items():
        if key not in by_id:
            errors[f"closing_{key}"] = "Score only this family's assessed needs"
        elif not isinstance(score, int) or not 1 <= score <= 10:
            errors[f"closing_{key}"] = "Give each need a closing score from 1 to 10"
    for key, need in by_id.items():
        if key not in given:
            errors[f"closing_{key}"] = f"Give {need.theme.name} a closing score from 1 to 10"
    family = closing.get("family")
    if family is not None:
        ratings = {str(k): v for k, v in (family.get("scores") or {}).items()}
        unknown = set(ratings) - set(by_id)
        errors |= {f"family_{key}": "Rate only this family's assessed needs" for key in unknown}
        family = family | {"scores": {by_id[k]: v for k, v in ratings.items() if k in by_id}}
        errors |= rules.family_view_errors(family, needs, at_closure=True)
    if errors:
        raise ValidationError(errors)
    last = {}
    for score in ProgressScore.objects.filter(review__episode=episode).order_by(
        "review__held_on", "review__created_at"
    ):
        last[score.need_id] = score.score  # the latest review's wins
    ClosingScore.objects.bulk_create(
        ClosingScore(episode=episode, need=need, baseline=need.baseline_score,
                     last_score=last.get(need.pk), score=given[key])
        for key, need in by_id.items()
    )
    audit.record(
        user=acting_user, action="create", object_type="plans.closingscore",
        object_id=str(episode.pk), family_id=episode.family_id,
        changes={by_id[k].theme.name: given[k] for k in by_id},
        detail=f"closing scores for {len(by_id)} need(s)",
    )
    if family is not None:
        _family_view_create(episode, family, acting_user)
