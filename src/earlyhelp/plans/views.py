"""The plan (outcomes, actions with owners and due dates) and reviews with progress scores."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect

from earlyhelp.access import policy
from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.access.scoping import get_visible_or_404, visible_episodes
from earlyhelp.assessments.models import AssessmentStatus, PresentingNeed
from earlyhelp.cases.selectors import episode_for_work
from earlyhelp.cases.models import Timescales
from earlyhelp.core import audit, dates
from earlyhelp.core.models import User
from earlyhelp.plans import services
from earlyhelp.plans.models import Plan, PlanAction
from earlyhelp.web.views.base import attempt, page

from .forms import (
    ActionDoneForm,
    PlanActionForm,
    PlanOutcomeForm,
    PlanStartForm,
    ReviewForm,
)


def _plan(request, plan_id, detail=""):
    user = request.user
    plan = get_visible_or_404(
        Plan.objects.filter(episode__in=visible_episodes(user)).select_related("episode__family"),
        pk=plan_id,
    )
    require_episode_worker(user, plan.episode, "change the plan")
    audit.record_view(user=user, obj=plan, family_id=plan.episode.family_id, detail=detail)
    return plan


def _assessed_needs(episode):
    return (
        PresentingNeed.objects.filter(
            assessment__episode=episode, assessment__status=AssessmentStatus.COMPLETED
        )
        .select_related("theme", "person")
        .order_by("theme__order", "theme__name")
    )


@login_required
def plan_start(request, episode_id):
    user = request.user
    episode = episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.PLAN, detail="plan start"
    )
    form = PlanStartForm(request.POST or None, initial={"started_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        plan = attempt(
            form, services.plan_start, episode=episode, acting_user=user, **form.cleaned_data
        )
        if plan is not None:
            messages.success(request, "Plan started. Add the outcomes the family want.")
            return redirect("web:plan_outcome_add", plan.pk)
    return page(
        request,
        "plans/start.html",
        {"page_title": "Start the plan", "episode": episode, "form": form},
    )


@login_required
def plan_outcome_add(request, plan_id):
    user = request.user
    plan = _plan(request, plan_id, "add outcome")
    form = PlanOutcomeForm(request.POST or None, needs=_assessed_needs(plan.episode))
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            form, services.plan_outcome_add, plan=plan, acting_user=user, **form.cleaned_data
        )
        if outcome is not None:
            messages.success(request, "Outcome added.")
            if request.POST.get("action") == "another":
                return redirect("web:plan_outcome_add", plan.pk)
            return redirect("web:episode_detail", plan.episode_id)
    return page(
        request,
        "plans/outcome_add.html",
        {
            "page_title": "Add an outcome",
            "plan": plan,
            "episode": plan.episode,
            "form": form,
            "outcomes": list(plan.outcomes.all()),
        },
    )


def _owners(episode):
    taf = episode.taf_members.filter(user__isnull=False, left_on__isnull=True).values("user_id")
    return (
        User.objects.filter(Q(pk__in=taf) | Q(pk=episode.lead_practitioner_id), is_active=True)
        .select_related("team", "organisation")
        .order_by("last_name", "first_name")
    )


@login_required
def plan_action_add(request, plan_id):
    user = request.user
    plan = _plan(request, plan_id, "add action")
    form = PlanActionForm(
        request.POST or None, outcomes=plan.outcomes.all(), owners=_owners(plan.episode)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = attempt(
            form,
            services.plan_action_add,
            plan=plan,
            acting_user=user,
            description=data["description"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
            outcome=data["outcome"],
        )
        if action is not None:
            messages.success(request, "Action added.")
            if request.POST.get("action") == "another":
                return redirect("web:plan_action_add", plan.pk)
            return redirect("web:episode_detail", plan.episode_id)
    return page(
        request,
        "plans/action_add.html",
        {"page_title": "Add an action", "plan": plan, "episode": plan.episode, "form": form},
    )


@login_required
def plan_action_done(request, action_id):
    user = request.user
    action = get_visible_or_404(
        PlanAction.objects.filter(plan__episode__in=visible_episodes(user)).select_related(
            "plan__episode__family"
        ),
        pk=action_id,
    )
    episode = action.plan.episode
    require_episode_worker(user, episode, "update the plan")
    audit.record_view(user=user, obj=action, family_id=episode.family_id, detail="action done")
    form = ActionDoneForm(request.POST or None, initial={"completed_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.plan_action_complete,
            action=action,
            acting_user=user,
            completed_on=form.cleaned_data["completed_on"],
        )
        if done is not None:
            messages.success(request, "Action marked as done.")
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "plans/action_done.html",
        {
            "page_title": "Mark the action as done",
            "action": action,
            "episode": episode,
            "form": form,
        },
    )


@login_required
def review_add(request, episode_id):
    user = request.user
    episode = episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.REVIEW, detail="review"
    )
    needs = _assessed_needs(episode)
    form = ReviewForm(
        request.POST or None,
        needs=needs,
        initial={
            "held_on": dates.today(),
            "next_review_due": dates.today()
            + dt.timedelta(days=Timescales.current().review_interval_days),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review = attempt(
            form,
            services.review_record,
            episode=episode,
            acting_user=user,
            held_on=data["held_on"],
            attendees=data["attendees"],
            summary=data["summary"],
            family_view=data["family_view"],
            next_review_due=data["next_review_due"],
            scores=form.scores(),
            family=form.family(),
        )
        if review is not None:
            messages.success(request, "Review recorded.")
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "plans/review_add.html",
        {"page_title": "Record a review", "episode": episode, "form": form, "needs": form.needs},
    )
