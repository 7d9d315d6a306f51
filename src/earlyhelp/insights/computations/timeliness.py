"""Progress indicators on timeliness: assessments completed on time, reviews held on time."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from earlyhelp.core import dates
from earlyhelp.plans.models import Plan, Review

from ..dbfuncs import AddDays, DaysBetween
from ..models import Unit
from ..registry import Section, Spec, bucketed, by_period, in_period, register
from .bases import ALL_DIMENSIONS, ASSESSMENTS, EPISODES, REVIEWS, rate_result

ASSESSMENT_DAYS = 45
ASSESSMENT_ON_TIME = (
    "An assessment is on time when it is completed within {days} days of the day it started, "
    "counting from the start date to the completion date (started 1 March and completed "
    "15 April is 45 days). Each assessment counts in the period in which it was completed."
)


def _assessments_on_time_spec():
    """Assessments completed in the period within the local timescale (parameter `days`)."""

    def base_qs(ctx, periods_condition):
        return (
            ASSESSMENTS.queryset(ctx)
            .filter(status="completed")
            .filter(periods_condition)
            .annotate(on_time_days=DaysBetween(F("started_on"), F("completed_on")))
        )

    def compute(ctx, periods, by=None):
        days = int(ctx.parameters.get("days", ASSESSMENT_DAYS))
        aggregates = {"total": Count("pk"), "num": Count("pk", filter=Q(on_time_days__lte=days))}
        grouped = bucketed(base_qs(ctx, Q()), periods, "completed_on", aggregates,
                           ASSESSMENTS.group_path(by))
        return by_period(grouped, periods, rate_result)

    def records(ctx, period, part=None):
        days = int(ctx.parameters.get("days", ASSESSMENT_DAYS))
        qs = base_qs(ctx, in_period(period, "completed_on")).annotate(
            meets=Case(When(on_time_days__lte=days, then=Value(True)), default=Value(False),
                       output_field=BooleanField())
        )
        return [Section("assessment", "Assessments completed", qs.order_by("-completed_on"),
                        "meets")]

    register(Spec("assessments_on_time", Unit.PERCENT, compute, records, ALL_DIMENSIONS))


_assessments_on_time_spec()


FIRST_REVIEW_DAYS = 84
REVIEW_ON_TIME = (
    "A review is on time when it is held by the day it fell due. The first review falls due "
    "{first_days} days after the episode's first plan started, and is on time when a review is "
    "held between the plan's start and that day (both included); each later review falls due on "
    "the 'next review' date the review before it set, and is on time when the next review is "
    "held after that review and by that date. A review counts in the period in which it fell "
    "due, once that day has passed, while the episode was still open on it."
)


def _reviews_on_time_spec():
    """Reviews due in the period and whether each was held on time – the first review (due a
    set number of days after the first plan started) and every later one (due on the date the
    review before set). REVIEW_ON_TIME says it in words."""

    def later_qs(ctx, due_condition):
        today = dates.today()
        held_in_time = Review.objects.filter(
            episode=OuterRef("episode"),
            held_on__gt=OuterRef("held_on"),
            held_on__lte=OuterRef("next_review_due"),
        )
        return (
            REVIEWS.queryset(ctx)
            .filter(due_condition, next_review_due__isnull=False, next_review_due__lt=today)
            .filter(Q(episode__end_date__isnull=True)
                    | Q(episode__end_date__gt=F("next_review_due")))
            .annotate(on_time=Exists(held_in_time))
        )

    def first_qs(ctx, due_condition):
        today = dates.today()
        days = int(ctx.parameters.get("first_review_days", FIRST_REVIEW_DAYS))
        first_plan = Plan.objects.filter(episode=OuterRef("pk")).order_by("started_on") \
            .values("started_on")[:1]
        held_in_time = Review.objects.filter(
            episode=OuterRef("pk"), held_on__gte=OuterRef("first_plan"),
            held_on__lte=OuterRef("first_review_due"),
        )
        return (
            EPISODES.queryset(ctx)
            .annotate(first_plan=Subquery(first_plan))
            .annotate(first_review_due=AddDays(F("first_plan"), days))
            .filter(first_plan__isnull=False, first_review_due__lt=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=F("first_review_due")))
            .filter(due_condition)
            .annotate(on_time=Exists(held_in_time))
        )

    def compute(ctx, periods, by=None):
        aggregates = {"total": Count("pk"), "num": Count("pk", filter=Q(on_time=True))}
        later = bucketed(later_qs(ctx, Q()), periods, "next_review_due", aggregates,
                         REVIEWS.group_path(by))
        first = bucketed(first_qs(ctx, Q()), periods, "first_review_due", aggregates,
                         EPISODES.group_path(by))
        combined = {}
        for group in set(later) | set(first):
            combined[group] = {}
            for i in range(len(periods)):
                a, b = later.get(group, {}).get(i, {}), first.get(group, {}).get(i, {})
                combined[group][i] = {
                    "total": a.get("total", 0) + b.get("total", 0),
                    "num": a.get("num", 0) + b.get("num", 0),
                }
        return by_period(combined, periods, rate_result)

    def records(ctx, period, part=None):
        later = later_qs(ctx, in_period(period, "next_review_due")).annotate(meets=F("on_time"))
        first = first_qs(ctx, in_period(period, "first_review_due")).annotate(
            meets=F("on_time"))
        return [
            Section("episode", "First reviews due (after the first plan started)",
                    first.order_by("-first_review_due"), "meets"),
            Section("review", "Later reviews due (by the date the previous review set)",
                    later.order_by("-next_review_due"), "meets"),
        ]

    register(Spec("reviews_on_time", Unit.PERCENT, compute, records, ALL_DIMENSIONS))


_reviews_on_time_spec()

