"""What the indicators count: each base model with its paths to the scope's teams and to each
dimension, and the helpers that turn aggregate rows into results.

Each indicator's figures for a whole trend come from one query (a conditional count or average per
period) – or two, when an indicator also shows its parts. Breakdowns add the dimension to the
GROUP BY. Nothing loops over rows in Python.

Definitions are written out in each function's docstring and in docs/insights.md; the shipped
definition rows (migration 0002) carry the same words for people.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from earlyhelp.assessments.models import Assessment, PresentingNeed
from earlyhelp.cases.models import Episode, Transition
from earlyhelp.frontdoor.models import Contact, TriageDecision
from earlyhelp.plans.models import Review

from ..periods import Period
from ..registry import Context, Result, dimension_filter, percent

LEVEL_BANDS = [
    ("universal", "Universal"),
    ("early_help", "Early help"),
    ("targeted", "Targeted"),
    ("statutory", "Statutory"),
]


@dataclass(frozen=True)
class Base:
    """A model the indicators count, with its paths to the scope's teams and to each dimension."""

    model: type
    scope_paths: tuple[str, ...]
    paths: dict

    def queryset(self, ctx: Context) -> QuerySet:
        return (
            self.model.objects.filter(ctx.scope.team_q(*self.scope_paths))
            .filter(dimension_filter(self.paths, ctx.filters))
        )

    def group_path(self, by: str | None) -> str | None:
        return None if by is None else self.paths[by]


ASSESSMENTS = Base(
    Assessment,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "episode__family__locality_id",
        "level": "episode__level__band",
        "agency": "completing_organisation__type",
    },
)
EPISODES = Base(
    Episode,
    ("team",),
    {
        "team": "team_id",
        "locality": "family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
CONTACTS = Base(
    Contact,
    # A contact belongs to a service through the team it was routed to, or the front door team
    # that decided or recorded it.
    ("decision__routed_team", "decision__decided_by__team", "created_by__team"),
    {
        "team": "decision__routed_team_id",
        "locality": "family__locality_id",
        "level": "decision__level__band",
        "agency": "referrer_organisation__type",
    },
)
DECISIONS = Base(
    TriageDecision,
    ("routed_team", "decided_by__team", "contact__created_by__team"),
    {
        "team": "routed_team_id",
        "locality": "contact__family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
REVIEWS = Base(
    Review,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "episode__family__locality_id",
        "level": "episode__level__band",
        "agency": "episode__contact__referrer_organisation__type",
    },
)
NEEDS = Base(
    PresentingNeed,
    ("assessment__episode__team",),
    {name: f"assessment__{path}" for name, path in ASSESSMENTS.paths.items()},
)
STEP_UP_DECISIONS = Base(
    TriageDecision,
    ("contact__re_referral_of__team", "decided_by__team"),
    {
        "team": "contact__re_referral_of__team_id",
        "locality": "contact__family__locality_id",
        "level": "level__band",
        "agency": "contact__referrer_organisation__type",
    },
)
STEP_UP_TRANSITIONS = Base(
    Transition,
    ("episode__team",),
    {
        "team": "episode__team_id",
        "locality": "family__locality_id",
        "level": "episode__level__band",
        "agency": "episode__contact__referrer_organisation__type",
    },
)
ALL_DIMENSIONS = ("team", "locality", "level", "agency")


def build_results(rows: dict, periods: list[Period], make) -> dict:
    """{group: {period_key: Result}} from aggregate rows, via make(row, index, is_current)."""
    out = {}
    last = len(periods) - 1
    for group, row in rows.items():
        out[group] = {p.key: make(row, i, i == last) for i, p in enumerate(periods)}
    return out


def rate_result(row, i, is_current) -> Result:
    num, total = row.get("num", 0), row.get("total", 0)
    return Result(percent(num, total), num, total)

