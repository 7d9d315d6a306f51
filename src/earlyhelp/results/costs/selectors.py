"""Reads for cost avoidance, scoped in the query: analysts price any cohort, team managers the
closed episodes in their casework scope. Whoever may not see cost avoidance gets a 404.

A cohort is a list of families, each with the dates its work ran (calculation.Member). Three
kinds: closed episodes in a period, one team's closed episodes in a period, and a claim – any
object with `cost_cohort()` returning (family, reference date, household key) triples (the claims
work plugs in through `members_of_claim`).
"""

import datetime as dt
from decimal import Decimal
from typing import Protocol

from django.db.models import QuerySet
from django.http import Http404

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.access.scoping import visible_episodes
from earlyhelp.cases.models import Episode, EpisodeStatus
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction, Role, Team
from earlyhelp.targeting.models import CohortFamily

from .. import linked
from ..models import UnitCost, UpratingIndex
from . import calculation, rules


def require(user) -> None:
    """Cost avoidance pages hide that they exist from everyone else."""
    if not policy.can(user, Action.SEE_COST_AVOIDANCE):
        raise Http404("Not found")


def unit_costs() -> QuerySet[UnitCost]:
    return UnitCost.objects.filter(is_active=True)


def uprating() -> dict[int, Decimal]:
    return {row.price_year: row.factor for row in UpratingIndex.objects.all()}


def uprating_rows() -> QuerySet[UpratingIndex]:
    return UpratingIndex.objects.all()


def _episodes(user) -> QuerySet[Episode]:
    if user.role == Role.ANALYST:
        return Episode.objects.all()
    return visible_episodes(user)


def teams(user) -> QuerySet[Team]:
    """The teams whose closed episodes this user may price."""
    return Team.objects.filter(
        pk__in=_episodes(user).values("team_id")).order_by("name")


def closed_episodes(*, user, first: dt.date, last: dt.date, team=None) -> QuerySet[Episode]:
    """Episodes closed between `first` and `last` (inclusive) that the user may see."""
    episodes = _episodes(user).filter(status=EpisodeStatus.CLOSED, end_date__range=(first, last))
    if team is not None:
        episodes = episodes.filter(team=team)
    return episodes.select_related("family").order_by("end_date", "reference")


class ClaimCohort(Protocol):
    """What a claim offers cost avoidance: its families, each with the claim's reference date
    for it and its household in the linked records ("" when not linked)."""

    def cost_cohort(self) -> list[tuple[object, dt.date, str]]: ...


def members_of_claim(claim: ClaimCohort) -> list[calculation.Member]:
    """A claimed family's before window ends, and its after window starts, at its reference
    date (the work's outcome is what was claimed)."""
    return [calculation.Member(str(family.pk), str(family), household, day, day)
            for family, day, household in claim.cost_cohort()]


def members_of_episodes(episodes, *, con=None, run=None) -> list[calculation.Member]:
    episodes = list(episodes)
    households = {}
    if con is not None:
        households = linked.households_of(con, run, sorted({str(e.family_id) for e in episodes}))
    return [calculation.Member(str(e.family_id), f"{e.family.name} ({e.reference})",
                               households.get(str(e.family_id), ""), e.start_date, e.end_date)
            for e in episodes]


def comparison_households(run, members: list[calculation.Member]) -> list[str]:
    """Households eligible in the run but not known to early help, and not in the cohort."""
    if run is None:
        return []
    mine = {m.household for m in members if m.household}
    keys = (CohortFamily.objects.filter(run=run, eligible=True, known_to_early_help=False)
            .values_list("household_key", flat=True).distinct().order_by("household_key"))
    return [k for k in keys if k not in mine]


def price(*, user, members: list[calculation.Member], months: int = rules.DEFAULT_MONTHS,
          con=None, run=None, what: str) -> calculation.Result:
    """Cost avoidance for a cohort the caller has already scoped to `user`; one audit row
    (a search: it reads many families' records)."""
    require(user)
    index = uprating()
    price_year = max(index) if index else dates.today().year
    result = calculation.calculate(
        members=members, comparison=comparison_households(run, members) if con else [],
        costs=list(unit_costs()), index=index, price_year=price_year, months=months,
        data_as_of=run.reference_date if run is not None else dates.today(), con=con)
    audit.record(user=user, action=AuditAction.SEARCH, object_type="results.costavoidance",
                 detail=f"Cost avoidance: {what}"[:300])
    return result


def price_episodes(*, user, first, last, team=None, months=rules.DEFAULT_MONTHS):
    """The page's question: closed episodes (of a team) in a period, on the newest run."""
    require(user)
    episodes = closed_episodes(user=user, first=first, last=last, team=team)
    run = linked.latest_run()
    con = linked.connect_run(run) if run is not None else None
    try:
        members = members_of_episodes(episodes, con=con, run=run)
        what = f"episodes closed {first} to {last}" + (f", {team.name}" if team else "")
        return price(user=user, members=members, months=months, con=con, run=run, what=what)
    finally:
        if con is not None:
            con.close()


def price_claim(*, user, claim, months=rules.DEFAULT_MONTHS):
    """A claim's cost avoidance on the newest run (the caller has already found the claim in
    the user's claims scope)."""
    require(user)
    run = linked.latest_run()
    con = linked.connect_run(run) if run is not None else None
    try:
        return price(user=user, members=members_of_claim(claim), months=months, con=con,
                     run=run, what=f"claim {claim.pk} ({claim})")
    finally:
        if con is not None:
            con.close()


def board_section(*, user, period_end: dt.date) -> dict | None:
    """The board report's section: episodes closed in the year that ended 12 months before the
    report's period ended (so every after window has passed). None for whoever may not see it."""
    if not policy.can(user, Action.SEE_COST_AVOIDANCE):
        return None
    last = rules.add_months(period_end, -rules.DEFAULT_MONTHS)
    first = rules.add_months(last, -12) + dt.timedelta(days=1)
    result = price_episodes(user=user, first=first, last=last)
    return {"result": result, "first": first, "last": last}
