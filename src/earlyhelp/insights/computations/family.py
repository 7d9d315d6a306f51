"""The family's own view at closure (issue 16): "families who say things got better", next to
the practitioner's distance travelled, and "satisfied with the help".

Better: the family's closing rating of a need against their first rating of it (at the earliest
review that rated it). An episode counts when it has at least one need rated both times; it says
things got better when the sum of its closing ratings over those needs is higher than the sum of
their first ratings (the mean rating went up). A family who declined at closure, was rated only
once, or gave no closing rating is not counted either way."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)

from earlyhelp.cases.models import EpisodeStatus
from earlyhelp.plans.models import ClosingScore, FamilyRating, FamilyView
from earlyhelp.plans.rules import SATISFACTION

from ..models import Unit
from ..registry import Part, Result, Section, Spec, bucketed, by_period, in_period, percent, register
from .bases import ALL_DIMENSIONS, EPISODES
from .flow import PartSpec, flow_indicator

CLOSED = Q(status=EpisodeStatus.CLOSED)


def closing_ratings(**where):
    """The families' closing ratings, each with `first`: the family's first rating of the same
    need at a review (NULL when there was none) and `change`, closing minus first."""
    first = (
        FamilyRating.objects.filter(view__episode=OuterRef("view__episode"),
                                    view__review__isnull=False, need=OuterRef("need"))
        .order_by("view__review__held_on", "view__review__created_at", "pk").values("score")[:1]
    )
    return (
        FamilyRating.objects.filter(view__review__isnull=True, **where)
        .annotate(first=Subquery(first, output_field=IntegerField()))
        .annotate(change=F("score") - F("first"))
    )


def family_gain(theme: str | None = None) -> Subquery:
    """Per episode: the sum of closing minus first rating over the needs rated both times
    (NULL when no need was)."""
    where = {"need__theme__code": theme} if theme else {}
    rows = (closing_ratings(view__episode=OuterRef("pk"), **where).filter(first__isnull=False)
            .order_by().values("view__episode").annotate(gain=Sum("change")).values("gain"))
    return Subquery(rows, output_field=IntegerField())


def practitioner_gain() -> Subquery:
    """Per episode: the sum of closing score minus baseline over its closing scores."""
    rows = (ClosingScore.objects.filter(episode=OuterRef("pk")).order_by().values("episode")
            .annotate(gain=Sum(F("score") - F("baseline"))).values("gain"))
    return Subquery(rows, output_field=IntegerField())


def _family_better_spec():
    def episodes(ctx, theme=None):
        return EPISODES.queryset(ctx).filter(CLOSED).annotate(
            gain=family_gain(theme), staff_gain=practitioner_gain())

    def compute(ctx, periods, by=None):
        aggregates = {
            "total": Count("pk", filter=Q(gain__isnull=False)),
            "num": Count("pk", filter=Q(gain__gt=0)),
            "staff": Count("pk", filter=Q(gain__isnull=False, staff_gain__isnull=False)),
            "staff_num": Count("pk", filter=Q(gain__isnull=False, staff_gain__gt=0)),
        }
        grouped = bucketed(episodes(ctx), periods, "end_date", aggregates,
                           EPISODES.group_path(by))
        themes = []
        if by is None:  # per need theme, the current period: one GROUP BY over the ratings
            closed = EPISODES.queryset(ctx).filter(CLOSED).filter(
                in_period(periods[-1], "end_date"))
            themes = list(
                closing_ratings(view__episode__in=closed.values("pk")).filter(first__isnull=False)
                .order_by().values("need__theme__code", "need__theme__name", "need__theme__order")
                .annotate(n=Count("pk"), better=Count("pk", filter=Q(change__gt=0)))
                .order_by("need__theme__order", "need__theme__name")
            )

        def make(row, i, is_current):
            total, num = row.get("total", 0), row.get("num", 0)
            result = Result(value=percent(num, total), numerator=num, denominator=total)
            if is_current:
                result.parts = [Part(
                    "practitioner", "The practitioner's closing scores rose from the baseline "
                    "(the same families)", percent(row.get("staff_num", 0), row.get("staff", 0)),
                    None, "practitioner", "percent")]
                result.parts += [
                    Part(t["need__theme__code"], t["need__theme__name"],
                         percent(t["better"], t["n"]), None, "theme", "percent")
                    for t in themes
                ]
            return result

        return by_period(grouped, periods, make)

    def records(ctx, period, part=None):
        theme = part if part and part != "practitioner" else None
        qs = episodes(ctx, theme).filter(in_period(period, "end_date")).filter(
            gain__isnull=False)
        meets = Q(staff_gain__gt=0) if part == "practitioner" else Q(gain__gt=0)
        qs = qs.annotate(meets=Case(When(meets, then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))
        return [Section("episode", "Closed episodes where the family rated a need at a review "
                        "and at closure", qs.order_by("-end_date"), "meets")]

    register(Spec("family_says_better", Unit.PERCENT, compute, records, ALL_DIMENSIONS))


_family_better_spec()


def _answered(**where) -> Q:
    return Q(Exists(FamilyView.objects.filter(episode=OuterRef("pk"), review__isnull=True,
                                              satisfaction__isnull=False, **where)))


flow_indicator(
    code="satisfied_with_help", unit=Unit.PERCENT, base=EPISODES, date_field="end_date",
    where=CLOSED & _answered(), numerator=_answered(satisfaction__gte=4),
    parts=tuple(PartSpec(f"satisfaction_{k}", label, _answered(satisfaction=k), "answer")
                for k, label in SATISFACTION.items()),
    kind="episode", title="Closed episodes where the family answered the satisfaction question",
)
