"""Cost avoidance for a cohort: every priced record and event in each family's before and after
windows, uprated to one price year, totalled by agency and by cashable or not, beside a
comparison group where the data allow. Pure of pages and permissions: the selectors choose the
cohort and the user's scope; this only counts."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from . import rules
from .records import casework_uses, record_uses

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Member:
    """One family of the cohort: the work ran from `start` to `end` (for a claim, both are the
    claim's reference date). `household` is its household in the targeting run, if linked."""

    family_id: str
    label: str
    household: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Line:
    group: str  # "cohort" or "comparison"
    family: str
    cost: str
    agency: str
    cashable: bool
    record: str
    start: dt.date
    end: dt.date | None
    window: str  # "before" or "after"
    units: Decimal
    unit_value: Decimal
    price_year: int
    uprated_unit: Decimal
    value: Decimal


@dataclass
class Split:
    before: Decimal = ZERO
    after: Decimal = ZERO

    @property
    def avoided(self) -> Decimal:
        return self.before - self.after

    def add(self, line: Line) -> None:
        if line.window == "before":
            self.before += line.value
        else:
            self.after += line.value


@dataclass
class GroupTotals:
    families: int = 0
    total: Split = field(default_factory=Split)
    by_agency: dict[str, Split] = field(default_factory=lambda: defaultdict(Split))
    by_cashable: dict[bool, Split] = field(default_factory=lambda: defaultdict(Split))

    def add(self, line: Line) -> None:
        self.total.add(line)
        self.by_agency[line.agency].add(line)
        self.by_cashable[line.cashable].add(line)

    def agencies(self) -> list[tuple[str, Split]]:
        return sorted(self.by_agency.items())

    def cashable(self) -> list[tuple[str, Split]]:
        return [("Cashable" if kind else "Non-cashable", split)
                for kind, split in sorted(self.by_cashable.items(), reverse=True)]

    def per_family(self) -> Decimal | None:
        if not self.families:
            return None
        return (self.total.avoided / self.families).quantize(rules.PENNY)


@dataclass
class Result:
    months: int
    price_year: int
    data_as_of: dt.date
    lines: list[Line]
    cohort: GroupTotals
    comparison: GroupTotals | None
    comparison_dates: tuple[dt.date, dt.date] | None
    net: Decimal | None
    incomplete: int  # families whose after window has not yet passed
    not_linked: int  # families with no household in the targeting run
    unpriced: list[str]  # unit costs left out: no uprating factor for their price year
    illustrative: bool  # any unit cost or factor used is illustrative
    caveats: list[str] = field(default_factory=list)

    @property
    def price_year_label(self) -> str:
        return f"{self.price_year}–{(self.price_year + 1) % 100:02d}"


def _factors(index: dict[int, Decimal], costs, price_year: int):
    usable, unpriced = [], []
    for cost in costs:
        if cost.price_year in index:
            usable.append((cost, rules.uprate(cost.value, index[cost.price_year],
                                              index[price_year])))
        else:
            unpriced.append(cost.name)
    return usable, unpriced


def _lines_for(group, subjects, costs, con, casework: bool) -> list[Line]:
    """subjects: [(label, household key, family id or None, windows)]."""
    if not subjects:
        return []
    first = min(w["before"][0] for *_, w in subjects)
    last = max(w["after"][1] for *_, w in subjects)
    households = sorted({h for _, h, _, _ in subjects if h})
    family_ids = [f for _, _, f, _ in subjects if f]
    by_household = defaultdict(list)
    for label, household, family_id, spans in subjects:
        if household:
            by_household[household].append((label, spans))
        if family_id:
            by_household[f"family:{family_id}"].append((label, spans))
    lines = []
    for cost, uprated in costs:
        if cost.record_source:
            uses = record_uses(con, cost, households, first, last) if con is not None else []
        elif casework:
            uses = [u.__class__(key=f"family:{u.key}", record=u.record, start=u.start, end=u.end)
                    for u in casework_uses(cost, family_ids, first, last)]
        else:
            uses = []
        for use in uses:
            for label, spans in by_household.get(use.key, []):
                for window, span in spans.items():
                    units = rules.units_in(cost.unit, use.start, use.end, span)
                    if not units:
                        continue
                    lines.append(Line(
                        group=group, family=label, cost=cost.name, agency=cost.agency,
                        cashable=cost.cashable, record=use.record, start=use.start, end=use.end,
                        window=window, units=units, unit_value=cost.value,
                        price_year=cost.price_year, uprated_unit=uprated,
                        value=rules.pounds(units, uprated)))
    return lines


def calculate(*, members: list[Member], comparison: list[str], costs, index: dict[int, Decimal],
              price_year: int, months: int, data_as_of: dt.date, con=None) -> Result:
    """`comparison`: household keys eligible in the same targeting run but not worked with;
    `index`: {price year: factor}; `con`: the run's tables (None: casework only)."""
    usable, unpriced = _factors(index, costs, price_year)
    complete = []
    for m in members:
        spans = rules.windows(m.start, m.end, months)
        if spans["after"][1] <= data_as_of:
            complete.append((m.label, m.household, m.family_id, spans))
    lines = _lines_for("cohort", complete, usable, con, casework=True)
    cohort = GroupTotals(families=len(complete))
    for line in lines:
        cohort.add(line)

    dates = rules.matched_dates([(m.start, m.end) for m in members if m.household])
    comparison_totals, net = None, None
    if con is not None and comparison and dates:
        spans = rules.windows(dates[0], dates[1], months)
        if spans["after"][1] <= data_as_of:
            subjects = [(f"Household {h}", h, None, spans) for h in comparison]
            extra = _lines_for("comparison", subjects, usable, con, casework=False)
            comparison_totals = GroupTotals(families=len(subjects))
            for line in extra:
                comparison_totals.add(line)
            lines += extra
            net = rules.net_avoided(cohort.total.avoided, cohort.families,
                                    comparison_totals.total.avoided, comparison_totals.families)
    illustrative = any(c.illustrative for c, _ in usable)
    result = Result(
        months=months, price_year=price_year, data_as_of=data_as_of, lines=lines, cohort=cohort,
        comparison=comparison_totals, comparison_dates=dates if comparison_totals else None,
        net=net, incomplete=len(members) - len(complete),
        not_linked=sum(1 for m in members if not m.household), unpriced=unpriced,
        illustrative=illustrative,
    )
    result.caveats = caveats(result, linked=con is not None)
    return result


def caveats(result: Result, *, linked: bool) -> list[str]:
    """The sentences printed next to every total."""
    said = []
    if result.illustrative:
        said.append("Some unit costs are illustrative, not published figures: load your "
                    "council's own (for example from the Greater Manchester unit cost database) "
                    "before quoting these totals.")
    said.append("Attribution: a fall in service use after the work is not proof the work "
                "caused it; other services and changes in the family's life play a part.")
    said.append("Regression to the mean: families are often referred at a crisis, so their "
                "service use tends to fall afterwards whatever is done.")
    if result.comparison is None:
        said.append("No comparison group: the figure is the gross change for the cohort, "
                    "with nothing to show what would have happened without the work.")
    elif result.comparison.families < rules.SMALL_COMPARISON:
        said.append(f"The comparison group is small ({result.comparison.families} "
                    f"{'family' if result.comparison.families == 1 else 'families'}): the net "
                    "figure could move a lot with a few families more or less.")
    if not linked:
        said.append("No finished targeting run: linked agency records are not counted, only "
                    "casework events.")
    if result.not_linked:
        said.append(f"{result.not_linked} of the cohort's families are not linked to a "
                    "household in the targeting run: only their casework is counted.")
    if result.incomplete:
        said.append(f"{result.incomplete} families are left out: {result.months} months have "
                    f"not yet passed since their work ended (data as of "
                    f"{result.data_as_of:%-d %B %Y}).")
    if result.unpriced:
        said.append(f"Left out for want of an uprating factor for their price year: "
                    f"{', '.join(result.unpriced)}.")
    return said
