"""Presenting-need indicators: how common each need is, and how much progress scores changed."""

from __future__ import annotations

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery

from earlyhelp.assessments.models import Assessment
from earlyhelp.cases.models import EpisodeStatus
from earlyhelp.plans.models import ProgressScore

from ..models import Unit
from ..registry import (
    Part,
    Result,
    Section,
    Spec,
    bucketed,
    by_period,
    in_period,
    percent,
    register,
)
from .bases import ALL_DIMENSIONS, NEEDS


def _need_prevalence_spec():
    """Assessments started in the period that recorded at least one presenting need; its parts
    are each need theme's prevalence: the share of those assessments recording it."""

    def compute(ctx, periods, by=None):
        qs = NEEDS.queryset(ctx)
        grouped = bucketed(qs, periods, "assessment__started_on",
                           {"total": Count("assessment", distinct=True)}, NEEDS.group_path(by))
        current = periods[-1]
        parts_rows = {}
        if by is None:
            parts_rows = {
                (row["theme__code"], row["theme__name"]): row["n"]
                for row in qs.filter(in_period(current, "assessment__started_on"))
                .order_by().values("theme__code", "theme__name", "theme__order")
                .annotate(n=Count("assessment", distinct=True))
                .order_by("theme__order", "theme__name")
            }

        def make(row, i, is_current):
            total = row.get("total", 0)
            result = Result(value=total, numerator=total)
            if is_current:
                result.parts = [
                    Part(code, name, n, percent(n, total), "theme")
                    for (code, name), n in parts_rows.items()
                ]
            return result

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        needs = NEEDS.queryset(ctx).filter(in_period(period, "assessment__started_on"))
        if part:
            needs = needs.filter(theme__code=part)
        qs = Assessment.objects.filter(pk__in=needs.values("assessment_id"))
        return [Section("assessment", "Assessments recording the need" if part
                        else "Assessments recording presenting needs",
                        qs.order_by("-started_on"))]

    register(Spec("need_prevalence", Unit.COUNT, compute, records, ALL_DIMENSIONS))


_need_prevalence_spec()


def _progress_change_spec():
    """For episodes closed in the period: the average change in each presenting need's score,
    from its baseline at assessment to the last score given at a review (needs never scored at a
    review are left out). Parts: the same per need theme."""

    def base_qs(ctx, closed_condition):
        last_score = (
            ProgressScore.objects.filter(need=OuterRef("pk"))
            .order_by("-review__held_on", "-review__created_at", "-pk")
            .values("score")[:1]
        )
        return (
            NEEDS.queryset(ctx)
            .filter(assessment__episode__status=EpisodeStatus.CLOSED)
            .filter(closed_condition)
            .annotate(final_score=Subquery(last_score))
            .annotate(change=F("final_score") - F("baseline_score"))
        )

    def compute(ctx, periods, by=None):
        field_name = "assessment__episode__end_date"
        qs = base_qs(ctx, Q())
        # Needs never scored have no change: AVG and COUNT of it leave them out, so the score
        # subquery runs once per need (a WHERE on it would run it twice).
        grouped = bucketed(qs, periods, field_name, {"v": Avg("change"), "n": Count("change")},
                           NEEDS.group_path(by))
        parts_rows = []
        if by is None:
            parts_rows = list(
                qs.filter(in_period(periods[-1], field_name)).order_by()
                .values("theme__code", "theme__name", "theme__order")
                .annotate(v=Avg("change"), n=Count("change"))
                .filter(n__gt=0)
                .order_by("theme__order", "theme__name")
            )

        def make(row, i, is_current):
            value = row.get("v")
            result = Result(value=float(value) if value is not None else None,
                            denominator=row.get("n", 0))
            if is_current:
                result.parts = [
                    Part(r["theme__code"], r["theme__name"], float(r["v"]), None, "theme",
                         "value")
                    for r in parts_rows
                ]
            return result

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        qs = base_qs(ctx, in_period(period, "assessment__episode__end_date")).filter(
            final_score__isnull=False
        )
        if part:
            qs = qs.filter(theme__code=part)
        return [Section("need", "Presenting needs in episodes closed",
                        qs.order_by("-assessment__episode__end_date"))]

    register(Spec("progress_change", Unit.POINTS, compute, records, ALL_DIMENSIONS))


_progress_change_spec()
